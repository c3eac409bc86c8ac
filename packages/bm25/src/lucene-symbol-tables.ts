/**
 * Where Lucene 8.8.1's StandardTokenizer (Unicode 9 tables, its emoji rules) and ICU's word
 * segmentation (a newer Unicode) disagree on a single symbol between spaces. Measured by
 * running the Lucene oracle on every Unicode symbol and punctuation code point (see
 * analyzers.test.ts, which re-checks these against Lucene when the oracle is available).
 */

/**
 * The ICU (`process.versions.icu`) and Unicode versions these tables were measured with. Another
 * ICU segments words differently: analyzers.test.ts fails and says how to re-measure.
 */
export const tablesMeasuredWith = { icu: "78.3", unicode: "17.0" } as const;

/** Symbols Lucene emits as tokens (emoji / pictographs of Unicode 9–11, CJK radicals) that ICU calls non-words. */
export const luceneOnlySymbol =
  /^[\u{2388}\u{2605}\u{2607}-\u{260d}\u{260f}-\u{2610}\u{2612}\u{2616}-\u{2617}\u{2619}-\u{261c}\u{261e}-\u{261f}\u{2621}\u{2624}-\u{2625}\u{2627}-\u{2629}\u{262b}-\u{262d}\u{2630}-\u{2637}\u{263b}-\u{263f}\u{2641}\u{2643}-\u{2647}\u{2654}-\u{265e}\u{2661}-\u{2662}\u{2664}\u{2667}\u{2669}-\u{267a}\u{267c}-\u{267d}\u{2680}-\u{2685}\u{2690}-\u{2691}\u{2698}\u{269a}\u{269d}-\u{269f}\u{26a2}-\u{26a6}\u{26a8}-\u{26a9}\u{26ac}-\u{26af}\u{26b2}-\u{26bc}\u{26bf}-\u{26c3}\u{26c6}-\u{26c7}\u{26c9}-\u{26cd}\u{26d0}\u{26d2}\u{26d5}-\u{26e8}\u{26eb}-\u{26ef}\u{26f6}\u{26fb}-\u{26fc}\u{26fe}-\u{2701}\u{2703}-\u{2704}\u{270e}\u{2710}-\u{2711}\u{2765}-\u{2767}\u{2e80}-\u{2e99}\u{2e9b}-\u{2ef3}\u{2f00}-\u{2fd5}\u{1f000}-\u{1f003}\u{1f005}-\u{1f02b}\u{1f030}-\u{1f093}\u{1f0a0}-\u{1f0ae}\u{1f0b1}-\u{1f0bf}\u{1f0c1}-\u{1f0ce}\u{1f0d1}-\u{1f0f5}\u{1f10d}-\u{1f10f}\u{1f12f}\u{1f16c}-\u{1f16f}\u{1f1ad}\u{1f260}-\u{1f265}\u{1f322}-\u{1f323}\u{1f394}-\u{1f395}\u{1f398}\u{1f39c}-\u{1f39d}\u{1f3f1}-\u{1f3f2}\u{1f3f6}\u{1f4fe}\u{1f546}-\u{1f548}\u{1f54f}\u{1f568}-\u{1f56e}\u{1f571}-\u{1f572}\u{1f57b}-\u{1f586}\u{1f588}-\u{1f589}\u{1f58e}-\u{1f58f}\u{1f591}-\u{1f594}\u{1f597}-\u{1f5a3}\u{1f5a6}-\u{1f5a7}\u{1f5a9}-\u{1f5b0}\u{1f5b3}-\u{1f5bb}\u{1f5bd}-\u{1f5c1}\u{1f5c5}-\u{1f5d0}\u{1f5d4}-\u{1f5db}\u{1f5df}-\u{1f5e0}\u{1f5e2}\u{1f5e4}-\u{1f5e7}\u{1f5e9}-\u{1f5ee}\u{1f5f0}-\u{1f5f2}\u{1f5f4}-\u{1f5f9}\u{1f6c6}-\u{1f6ca}\u{1f6d3}-\u{1f6d4}\u{1f6e6}-\u{1f6e8}\u{1f6ea}\u{1f6f1}-\u{1f6f2}\u{1f774}-\u{1f77f}\u{1f7d5}-\u{1f7d9}\u{1f8b0}-\u{1f8bb}\u{1f8c0}-\u{1f8c1}\u{1f8d0}-\u{1f8d8}\u{1fa00}-\u{1fa57}\u{1fa60}-\u{1fa6d}\u{1fb00}-\u{1fb92}\u{1fb94}-\u{1fbef}\u{1fbfa}]/u;

/** Characters ICU makes words of but Lucene drops (some modifier letters). */
export const icuOnlyWord =
  /^[\u{b8}\u{2c2}-\u{2c5}\u{2d2}-\u{2d7}\u{2de}-\u{2df}\u{2e5}-\u{2eb}\u{2ed}\u{2ef}-\u{2ff}\u{55a}-\u{55c}\u{55e}\u{58a}\u{a708}-\u{a716}\u{a720}-\u{a721}\u{a789}-\u{a78a}\u{ab5b}]+$/u;

/** A lone regional indicator: ICU keeps it, Lucene only emits pairs (flags). */
export const loneRegionalIndicator = /^\p{Regional_Indicator}$/u;
