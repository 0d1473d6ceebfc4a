package io.readside.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.readside.platform.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** `readside admin ...`: the worker's admin routes for a terminal user. The token never goes on the command line. */
@Command(
    name = "admin",
    description = "Operates projections through a worker's admin endpoint (token from ADMIN_TOKEN or --token-file).",
    subcommands = {
      AdminCommand.Status.class,
      AdminCommand.Pause.class,
      AdminCommand.Resume.class,
      AdminCommand.Rebuild.class,
      AdminCommand.Rewind.class,
      AdminCommand.AuditLog.class,
      AdminCommand.Completeness.class,
      AdminCommand.DeadLetterList.class,
      AdminCommand.Retry.class,
      AdminCommand.Discard.class
    })
final class AdminCommand {
  @Option(names = "--url", scope = ScopeType.INHERIT, defaultValue = "${env:ADMIN_URL:-http://127.0.0.1:8083}", description = "Admin endpoint (default: ${DEFAULT-VALUE}; env ADMIN_URL).")
  String url;

  @Option(names = "--token-file", scope = ScopeType.INHERIT, description = "Read the bearer token from this file instead of ADMIN_TOKEN.")
  Path tokenFile;

  @Spec
  CommandSpec spec;

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  String token() throws IOException {
    String token = tokenFile != null ? Files.readString(tokenFile).trim() : System.getenv("ADMIN_TOKEN");
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("no admin token: set ADMIN_TOKEN or pass --token-file");
    }
    return token;
  }

  /** Sends the request, prints the answer (pretty JSON) and returns the exit code: 0 on 2xx, 1 otherwise. */
  int call(PrintWriter out, String method, String path, String body) throws Exception {
    return send(out, method, path, body) == null ? 1 : 0;
  }

  /** Sends the request and prints the answer; the answer, or null when it was an error (already reported on stderr). */
  JsonNode send(PrintWriter out, String method, String path, String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + path))
            .timeout(Duration.ofSeconds(120))
            .header("Authorization", "Bearer " + token())
            .header("Content-Type", "application/json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode json = Json.MAPPER.readTree(response.body().isEmpty() ? "{}" : response.body());
    if (response.statusCode() >= 300) {
      spec.commandLine().getErr().printf("readside admin: %d %s: %s%n", response.statusCode(), json.path("error").asText(), json.path("message").asText());
      return null;
    }
    out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
    return json;
  }

  JsonNode get(String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + path)).timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token()).GET().build();
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode json = Json.MAPPER.readTree(response.body());
    if (response.statusCode() >= 300) {
      throw new IllegalStateException(response.statusCode() + " " + json.path("message").asText());
    }
    return json;
  }

  static String sliceQuery(Integer slice) {
    return slice == null ? "" : "?slice=" + slice;
  }

  abstract static class Sub implements Callable<Integer> {
    @ParentCommand
    AdminCommand admin;

    @Spec
    CommandSpec spec;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }
  }

  @Command(name = "status", description = "Every projection and slice: offset, head, lag, paused, node, last error, rebuild progress.")
  static final class Status extends Sub {
    @Option(names = "--json", description = "Print the raw JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      if (json) {
        return admin.call(out(), "GET", "/admin/projections", null);
      }
      JsonNode status = admin.get("/admin/projections");
      PrintWriter out = out();
      out.printf("%-16s %5s %10s %10s %8s %9s %-6s %-7s %-34s %s%n", "PROJECTION", "SLICE", "OFFSET", "HEAD", "LAG", "LAG(s)", "PAUSED", "RUNNING", "NODE", "LAST ERROR / REBUILD");
      for (JsonNode p : status.get("projections")) {
        for (JsonNode s : p.get("slices")) {
          String extra = s.path("lastError").asText("");
          if (s.hasNonNull("rebuild")) {
            JsonNode r = s.get("rebuild");
            extra = "rebuild " + r.get("eventsReplayed").asLong() + "/" + r.get("eventsToReplay").asLong()
                + (r.hasNonNull("etaSeconds") ? String.format(", ETA %.0f s", r.get("etaSeconds").asDouble()) : "");
          }
          out.printf("%-16s %5d %10s %10d %8d %9.1f %-6s %-7s %-34s %s%n",
              p.get("projection").asText(), s.get("slice").asInt(),
              s.hasNonNull("horizonOffset") ? s.get("horizonOffset").asText() : s.path("offset").asText("-"), s.get("journalHead").asLong(),
              s.get("lagEvents").asLong(), s.get("lagSeconds").asDouble(), s.get("paused").asBoolean() ? "yes" : "no",
              s.get("running").asBoolean() ? "yes" : "no", s.path("node").asText("-"), extra);
        }
      }
      if (status.path("source").asText().equals("horizon")) {
        out.printf("horizon source; the horizon is %s%n", status.path("horizon").path("description").asText("unknown"));
      }
      return 0;
    }
  }

  abstract static class SliceAction extends Sub {
    @Parameters(index = "0", description = "Projection name (cart-summary, item-popularity, daily-sales).")
    String projection;

    @Option(names = "--slice", description = "One slice only (default: all).")
    Integer slice;

    int post(String action) throws Exception {
      return admin.call(out(), "POST", "/admin/projections/" + projection + "/" + action + sliceQuery(slice), "");
    }

    /** Runs the action; with --wait, follows the slices it changed until they have caught up. */
    int postAndMaybeWait(String action, String body, AdminWait.Options waiting) throws Exception {
      JsonNode result = admin.send(out(), "POST", "/admin/projections/" + projection + "/" + action + sliceQuery(slice), body);
      if (result == null) {
        return AdminWait.FAILED;
      }
      if (!waiting.wait || result.path("dryRun").asBoolean()) {
        return 0;
      }
      PrintWriter err = spec.commandLine().getErr();
      List<AdminWait.Followed> followed = AdminWait.followed(result, err);
      if (followed == null) {
        return AdminWait.FAILED;
      }
      if (followed.isEmpty()) {
        err.println("readside admin: nothing to replay");
        return 0;
      }
      return AdminWait.follow(admin, projection, followed, Duration.ofSeconds(waiting.timeoutSeconds), err);
    }
  }

  @Command(name = "pause", description = "Pauses a projection (persisted; survives restarts).")
  static final class Pause extends SliceAction {
    @Override
    public Integer call() throws Exception {
      return post("pause");
    }
  }

  @Command(name = "resume", description = "Resumes a paused projection.")
  static final class Resume extends SliceAction {
    @Override
    public Integer call() throws Exception {
      return post("resume");
    }
  }

  @Command(name = "rebuild", description = {
      "Deletes a slice's rows and resets its offset in one transaction, then replays it.",
      "With --shadow: builds every slice again into shadow tables while the live ones keep serving, then swaps them in one transaction."})
  static final class Rebuild extends SliceAction {
    @Mixin
    AdminWait.Options waiting;

    @Option(names = "--shadow", description = "Blue/green: no empty or partial table is ever visible (every slice; not with --slice).")
    boolean shadow;

    @Override
    public Integer call() throws Exception {
      if (!shadow) {
        return postAndMaybeWait("rebuild", "", waiting);
      }
      if (slice != null) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--shadow rebuilds every slice at once; leave out --slice");
      }
      JsonNode started = admin.send(out(), "POST", "/admin/projections/" + projection + "/rebuild?shadow=true", "");
      if (started == null) {
        return AdminWait.FAILED;
      }
      return waiting.wait
          ? AdminWait.followShadow(admin, projection, Duration.ofSeconds(waiting.timeoutSeconds), spec.commandLine().getErr())
          : 0;
    }
  }

  @Command(name = "rewind", description = "Moves a replay-safe projection's offset back; --dry-run counts what would be replayed.")
  static final class Rewind extends SliceAction {
    static final class Target {
      @Option(names = "--to-offset", description = "A journal ordering.")
      Long toOffset;

      @Option(names = "--to-timestamp", description = "An ISO-8601 instant, e.g. 2026-11-30T10:00:00Z.")
      String toTimestamp;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--dry-run", description = "Only count the events that would be replayed.")
    boolean dryRun;

    @Mixin
    AdminWait.Options waiting;

    @Override
    public Integer call() throws Exception {
      ObjectNode body = Json.MAPPER.createObjectNode();
      if (target.toOffset != null) {
        body.put("toOffset", target.toOffset);
      } else {
        body.put("toTimestamp", target.toTimestamp);
      }
      body.put("dryRun", dryRun);
      return postAndMaybeWait("rewind", body.toString(), waiting);
    }
  }

  @Command(name = "audit-log", description = "The latest admin actions.")
  static final class AuditLog extends Sub {
    @Option(names = "--limit", defaultValue = "50")
    int limit;

    @Override
    public Integer call() throws Exception {
      return admin.call(out(), "GET", "/admin/audit?limit=" + limit, null);
    }
  }

  @Command(name = "completeness", description = "Carts whose events cart-summary skipped.")
  static final class Completeness extends Sub {
    @Override
    public Integer call() throws Exception {
      return admin.call(out(), "GET", "/admin/audit/completeness", null);
    }
  }

  @Command(name = "dead-letters", description = "Parked events (or --status retried|discarded|all).")
  static final class DeadLetterList extends Sub {
    @Option(names = "--status", defaultValue = "parked")
    String status;

    @Option(names = "--limit", defaultValue = "100")
    int limit;

    @Override
    public Integer call() throws Exception {
      return admin.call(out(), "GET", "/admin/dead-letters?status=" + status + "&limit=" + limit, null);
    }
  }

  @Command(name = "retry", description = "Applies a parked cart's dead letters again, in order.")
  static final class Retry extends Sub {
    @Parameters(index = "0", description = "Dead letter id.")
    long id;

    @Override
    public Integer call() throws Exception {
      return admin.call(out(), "POST", "/admin/dead-letters/" + id + "/retry", "");
    }
  }

  @Command(name = "discard", description = "Gives up on one parked dead letter.")
  static final class Discard extends Sub {
    @Parameters(index = "0", description = "Dead letter id.")
    long id;

    @Override
    public Integer call() throws Exception {
      return admin.call(out(), "POST", "/admin/dead-letters/" + id + "/discard", "");
    }
  }
}
