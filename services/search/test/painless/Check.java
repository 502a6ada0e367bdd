import java.nio.file.*;
import java.util.*;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.xcontent.*;
import org.opensearch.painless.PainlessScriptEngine;
import org.opensearch.painless.spi.Whitelist;
import org.opensearch.script.UpdateScript;

/** Runs an update script in real Painless over scenarios: [[params, ...], ...] → the final _source of each (or its op). */
public class Check {
  public static void main(String[] a) throws Exception {
    String src = Files.readString(Path.of(a[0]));
    String json = Files.readString(Path.of(a[1]));
    PainlessScriptEngine engine = new PainlessScriptEngine(Settings.EMPTY, Map.of(UpdateScript.CONTEXT, Whitelist.BASE_WHITELISTS));
    UpdateScript.Factory f = engine.compile("order", src, UpdateScript.CONTEXT, Map.of());
    List<Object> scenarios = XContentType.JSON.xContent().createParser(NamedXContentRegistry.EMPTY, DeprecationHandler.IGNORE_DEPRECATIONS, json).list();
    List<Object> out = new ArrayList<>();
    for (Object sc : scenarios) {
      Map<String, Object> source = null;
      List<Object> ops = new ArrayList<>();
      for (Object p : (List<?>) sc) {
        @SuppressWarnings("unchecked") Map<String, Object> params = (Map<String, Object>) p;
        Map<String, Object> ctx = new HashMap<>();
        // a scripted upsert starts from the upsert document ({}); the stored source is a copy
        Map<String, Object> s = source == null ? new HashMap<>() : deepCopy(source);
        ctx.put("_source", s);
        ctx.put("op", "index");
        f.newInstance(params, ctx).execute();
        ops.add(ctx.get("op"));
        if (!"none".equals(ctx.get("op"))) source = s;
      }
      out.add(Map.of("ops", ops, "source", source == null ? Map.of() : source));
    }
    XContentBuilder b = XContentFactory.jsonBuilder().value(out);
    System.out.println(b.toString());
  }
  @SuppressWarnings("unchecked")
  static <T> T deepCopy(T o) {
    if (o instanceof Map<?, ?> m) { Map<String, Object> c = new HashMap<>(); m.forEach((k, v) -> c.put((String) k, deepCopy(v))); return (T) c; }
    if (o instanceof List<?> l) { List<Object> c = new ArrayList<>(); l.forEach(v -> c.add(deepCopy(v))); return (T) c; }
    return o;
  }
}
