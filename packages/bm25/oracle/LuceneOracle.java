import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LogByteSizeMergePolicy;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.QueryBuilder;
import org.apache.lucene.util.Version;

/**
 * The Lucene oracle for @hybrid-rag/bm25: the reference our scores are compared against.
 *
 * Input files hold one record per line, "id TAB text", where text escapes backslash, tab,
 * newline and carriage return as \\ \t \n \r (the TypeScript side writes them).
 *
 *   analyze ANALYZER < lines          prints the analysed tokens of each line, TAB-separated
 *   search ANALYZER K1 B TOPK DOCS QUERIES   prints a TREC run (scores as Float.toString)
 *   bench ANALYZER K1 B TOPK DOCS QUERIES ROUNDS [MIN_PASSES MIN_SECONDS TOLERANCE MAX_PASSES MAX_SECONDS]
 *                                     prints timings as JSON; the warm-up rule is the one of
 *                                     benchmarks/bm25/src/warm-up.ts (defaults 20 30 0.05 100 120)
 *   version                           prints the Lucene version of the jars in use (their
 *                                     manifest, e.g. Debian's 8.8.1 in jars named 8.7.0)
 *
 * Queries are built as Elasticsearch's match query (operator OR) builds them: Lucene's
 * QueryBuilder with every analysed token as a SHOULD term query.
 */
public final class LuceneOracle {
  private static final String FIELD = "body";

  public static void main(String[] args) throws Exception {
    if (args.length == 1 && args[0].equals("version")) {
      System.out.println(Version.LATEST + "\t"
          + Version.class.getPackage().getSpecificationVersion() + "\t"
          + Version.class.getPackage().getImplementationVersion());
      return;
    }
    if (args.length < 2) usage();
    Analyzer analyzer = analyzer(args[1]);
    switch (args[0]) {
      case "analyze":
        analyze(analyzer);
        break;
      case "search":
        if (args.length != 7) usage();
        search(analyzer, Float.parseFloat(args[2]), Float.parseFloat(args[3]),
            Integer.parseInt(args[4]), args[5], args[6]);
        break;
      case "bench":
        if (args.length != 8 && args.length != 13) usage();
        double[] warmUp = args.length == 13
            ? new double[] {Double.parseDouble(args[8]), Double.parseDouble(args[9]), Double.parseDouble(args[10]), Double.parseDouble(args[11]), Double.parseDouble(args[12])}
            : new double[] {20, 30, 0.05, 100, 120};
        bench(analyzer, Float.parseFloat(args[2]), Float.parseFloat(args[3]),
            Integer.parseInt(args[4]), args[5], args[6], Integer.parseInt(args[7]), warmUp);
        break;
      default:
        usage();
    }
  }

  private static void usage() {
    System.err.println("usage: LuceneOracle version | analyze|search|bench standard|english [K1 B TOPK DOCS QUERIES [ROUNDS]]");
    System.exit(2);
  }

  private static Analyzer analyzer(String name) {
    if (name.equals("standard")) return new StandardAnalyzer();
    if (name.equals("english")) return new EnglishAnalyzer();
    throw new IllegalArgumentException("unknown analyzer " + name);
  }

  private static String unescape(String text) {
    if (text.indexOf('\\') < 0) return text;
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length()) {
        char next = text.charAt(++i);
        out.append(next == 't' ? '\t' : next == 'n' ? '\n' : next == 'r' ? '\r' : next);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static List<String[]> readRecords(String path) throws Exception {
    List<String[]> records = new ArrayList<>();
    for (String line : Files.readAllLines(Paths.get(path), StandardCharsets.UTF_8)) {
      int tab = line.indexOf('\t');
      records.add(new String[] {line.substring(0, tab), unescape(line.substring(tab + 1))});
    }
    return records;
  }

  private static void analyze(Analyzer analyzer) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)));
    String line;
    while ((line = in.readLine()) != null) {
      StringBuilder tokens = new StringBuilder();
      try (TokenStream stream = analyzer.tokenStream(FIELD, unescape(line))) {
        CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
        stream.reset();
        boolean first = true;
        while (stream.incrementToken()) {
          if (!first) tokens.append('\t');
          tokens.append(term.toString());
          first = false;
        }
        stream.end();
      }
      out.println(tokens);
    }
    out.flush();
  }

  private static IndexSearcher buildIndex(Analyzer analyzer, BM25Similarity similarity, List<String[]> docs) throws Exception {
    IndexWriterConfig config = new IndexWriterConfig(analyzer);
    config.setSimilarity(similarity);
    config.setRAMBufferSizeMB(1024);
    // Log merge policies merge adjacent segments only, so doc ids stay in insertion order:
    // equal scores are then broken by insertion order, as in the TypeScript engine.
    config.setMergePolicy(new LogByteSizeMergePolicy());
    ByteBuffersDirectory directory = new ByteBuffersDirectory();
    try (IndexWriter writer = new IndexWriter(directory, config)) {
      for (String[] record : docs) {
        Document document = new Document();
        document.add(new StoredField("id", record[0]));
        document.add(new TextField(FIELD, record[1], Field.Store.NO));
        writer.addDocument(document);
      }
      writer.commit();
    }
    IndexSearcher searcher = new IndexSearcher(DirectoryReader.open(directory));
    searcher.setSimilarity(similarity);
    return searcher;
  }

  private static Query[] buildQueries(Analyzer analyzer, List<String[]> queries) {
    BooleanQuery.setMaxClauseCount(Integer.MAX_VALUE);
    QueryBuilder builder = new QueryBuilder(analyzer);
    Query[] built = new Query[queries.size()];
    for (int i = 0; i < built.length; i++) {
      Query query = builder.createBooleanQuery(FIELD, queries.get(i)[1], BooleanClause.Occur.SHOULD);
      built[i] = query == null ? new MatchNoDocsQuery() : query;
    }
    return built;
  }

  private static void search(Analyzer analyzer, float k1, float b, int topK, String docsPath, String queriesPath) throws Exception {
    BM25Similarity similarity = new BM25Similarity(k1, b);
    IndexSearcher searcher = buildIndex(analyzer, similarity, readRecords(docsPath));
    List<String[]> queries = readRecords(queriesPath);
    Query[] built = buildQueries(analyzer, queries);
    PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)));
    for (int i = 0; i < built.length; i++) {
      TopDocs top = searcher.search(built[i], topK);
      int rank = 1;
      for (ScoreDoc hit : top.scoreDocs) {
        String id = searcher.doc(hit.doc).get("id");
        out.println(queries.get(i)[0] + " Q0 " + id + " " + rank++ + " " + Float.toString(hit.score) + " lucene");
      }
    }
    out.flush();
  }

  private static void bench(Analyzer analyzer, float k1, float b, int topK, String docsPath, String queriesPath, int rounds, double[] warmUp) throws Exception {
    List<String[]> docs = readRecords(docsPath);
    List<String[]> queries = readRecords(queriesPath);
    BM25Similarity similarity = new BM25Similarity(k1, b);
    // Warm the JIT on indexing with a throwaway index of the first documents.
    buildIndex(analyzer, similarity, docs.subList(0, Math.min(docs.size(), 20000)));
    Runtime runtime = Runtime.getRuntime();
    // Memory as on the Node side: live heap after two full collections, after minus before.
    System.gc();
    System.gc();
    long heapBefore = runtime.totalMemory() - runtime.freeMemory();
    long start = System.nanoTime();
    IndexSearcher searcher = buildIndex(analyzer, similarity, docs);
    double indexMs = (System.nanoTime() - start) / 1e6;
    System.gc();
    System.gc();
    long heapAfter = runtime.totalMemory() - runtime.freeMemory();
    Query[] built = buildQueries(analyzer, queries);
    long sink = 0;
    // Warm-up: ≥ MIN_PASSES passes (or MIN_SECONDS), then until two consecutive passes agree
    // within TOLERANCE; capped at MAX_PASSES / MAX_SECONDS.
    long warmStart = System.nanoTime();
    double previous = Double.POSITIVE_INFINITY;
    int warmUpPasses = 0;
    boolean stable = false;
    while (true) {
      long passStart = System.nanoTime();
      for (Query query : built) sink += searcher.search(query, topK).scoreDocs.length;
      double milliseconds = (System.nanoTime() - passStart) / 1e6;
      warmUpPasses++;
      double elapsedSeconds = (System.nanoTime() - warmStart) / 1e9;
      // As benchmarks/bm25/src/warm-up.ts: 30 s count only after 3 passes, and agreement needs
      // a previous pass.
      boolean enough = warmUpPasses >= warmUp[0] || (elapsedSeconds >= warmUp[1] && warmUpPasses >= 3);
      if (enough && warmUpPasses >= 2 && Math.abs(milliseconds - previous) <= warmUp[2] * previous) {
        stable = true;
        break;
      }
      if (warmUpPasses >= warmUp[3] || elapsedSeconds >= warmUp[4]) break;
      previous = milliseconds;
    }
    double[] latencies = new double[built.length * rounds];
    int n = 0;
    long all = System.nanoTime();
    for (int round = 0; round < rounds; round++) {
      for (Query query : built) {
        long t = System.nanoTime();
        sink += searcher.search(query, topK).scoreDocs.length;
        latencies[n++] = (System.nanoTime() - t) / 1e6;
      }
    }
    double totalMs = (System.nanoTime() - all) / 1e6;
    Arrays.sort(latencies);
    System.out.println("{\"indexMs\":" + indexMs
        + ",\"queries\":" + n
        + ",\"totalMs\":" + totalMs
        + ",\"p50Ms\":" + latencies[n / 2]
        + ",\"p99Ms\":" + latencies[Math.min(n - 1, (int) Math.floor(n * 0.99))]
        + ",\"heapBytes\":" + Math.max(0, heapAfter - heapBefore)
        + ",\"warmUpPasses\":" + warmUpPasses
        + ",\"warmUpStable\":" + (stable ? 1 : 0)
        + ",\"sink\":" + sink + "}");
  }
}
