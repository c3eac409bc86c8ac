import { toHybridRagError } from "@hybrid-rag/core";
import {
  applySpecFlags,
  type PipelineSpec,
  type PipelineSpecInput,
  parsePipelineSpec,
  readPipelineSpecFile,
  type SpecFlag,
  type SpecFlagPath,
  specValueAt,
} from "@hybrid-rag/pipeline";
import { type Command, InvalidArgumentError, Option } from "commander";
import type { CliIo } from "./cli-io.ts";

/**
 * Adds `--spec`, `--print-spec` and one option per spec flag. Each option's help (description,
 * choices) is the pipeline spec schema's and its shown default is the app's default spec: the
 * setting is declared once, in `@hybrid-rag/pipeline`.
 */
export function withSpecOptions(
  command: Command,
  flags: readonly SpecFlag[],
  defaults: PipelineSpecInput,
): Command {
  command
    .option(
      "--spec <file.json>",
      "take the settings from a pipeline spec (or a benchmark results.json); flags given as well override it",
    )
    .option("--print-spec", "print the pipeline spec of these settings as JSON and exit");
  const shown = parsePipelineSpec(defaults, "the CLI's default spec");
  for (const flag of flags) {
    const option = new Option(`${flag.flag} <${flag.valueName}>`, flag.description);
    if (flag.choices) option.choices(flag.choices);
    else option.argParser((text) => parseFlag(flag, text));
    const fallback = specValueAt(shown, flag.path) ?? flag.defaultValue;
    if (fallback !== undefined) option.default(fallback);
    else if (flag.path.endsWith(".model")) option.default("none");
    command.addOption(option);
  }
  return command;
}

function parseFlag(flag: SpecFlag, text: string): unknown {
  try {
    return flag.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(toHybridRagError(error).message);
  }
}

/** The spec a command runs with, and which of its parts the user chose (flag or spec file). */
export interface CommandSpec {
  readonly spec: PipelineSpec;
  /** Spec fields given as flags, or present in a `--spec` file. */
  readonly chosen: ReadonlySet<SpecFlagPath>;
}

/**
 * The command's spec: the `--spec` file (else `defaults`), with each flag given on the command
 * line written over its field. Flags left at their default change nothing.
 */
export async function specOfCommand(
  command: Command,
  flags: readonly SpecFlag[],
  defaults: PipelineSpecInput,
): Promise<CommandSpec> {
  const options = command.opts();
  const file = typeof options.spec === "string" ? options.spec : undefined;
  const base = file ? await readPipelineSpecFile(file) : defaults;
  const given: Partial<Record<SpecFlagPath, unknown>> = {};
  const chosen = new Set<SpecFlagPath>();
  for (const flag of flags) {
    const name = new Option(`${flag.flag} <value>`).attributeName();
    const source = command.getOptionValueSource(name);
    if (source !== undefined && source !== "default") {
      given[flag.path] = options[name];
      chosen.add(flag.path);
    } else if (file && specValueAt(base, flag.path) !== undefined) {
      chosen.add(flag.path);
    }
  }
  const what = file ? `--spec ${file} with the flags given` : "settings from the command line";
  try {
    return { spec: parsePipelineSpec(applySpecFlags(base, given), what), chosen };
  } catch (error) {
    // Without a file only the flags can be wrong: bad usage (exit 2), as commander's own errors.
    if (file) throw error;
    const message = toHybridRagError(error).message;
    const named = flags.filter((flag) => message.includes(flag.path)).map((flag) => flag.flag);
    const which = named.length > 0 ? ` (${named.join(", ")})` : "";
    return command.error(`error: ${message}${which}`, {
      exitCode: 2,
      code: "commander.invalidArgument",
    });
  }
}

/** `--print-spec`: writes the spec as JSON; true when it did (the command then stops). */
export function printSpecIfAsked(command: Command, spec: PipelineSpec, io: CliIo): boolean {
  if (command.opts().printSpec !== true) return false;
  io.stdout.write(`${JSON.stringify(spec, null, 2)}\n`);
  return true;
}
