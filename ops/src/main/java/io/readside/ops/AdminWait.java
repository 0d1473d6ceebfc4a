package io.readside.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --wait} for {@code readside admin rebuild} and {@code rewind}: after the action, follows
 * the slices it changed through the status route until each has replayed what it had to, with a
 * progress bar on stderr. Exit 0 when every slice caught up, 1 when the action failed on a slice,
 * {@link #TIMED_OUT} when {@code --timeout} passed first.
 */
final class AdminWait {
  static final int FAILED = 1;
  static final int TIMED_OUT = 4;
  private static final Duration POLL = Duration.ofMillis(500);

  /** The options, as a picocli mixin on each command that can wait. */
  static final class Options {
    @Option(names = "--wait", description = "Follow the replay with a progress bar on stderr until every slice has caught up"
        + " (exit 0; 1 if the action failed; " + TIMED_OUT + " on --timeout).")
    boolean wait;

    @Option(names = "--timeout", defaultValue = "3600", paramLabel = "SECONDS",
        description = "With --wait: give up after this many seconds (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;
  }

  /** How far one slice has come: a rebuild's replayed events, or a rewound offset back at where it was. */
  sealed interface Followed {
    int slice();

    long toReplay();

    /** A rebuild: the status reports its progress until the offset has reached the head it had. */
    record Rebuild(int slice, long toReplay) implements Followed {}

    /** A rewind from {@code until} back to {@code from}: done when the offset is at {@code until} again. */
    record Rewind(int slice, long toReplay, long from, long until) implements Followed {}
  }

  private record Progress(long done, boolean complete) {}

  private AdminWait() {}

  /** The slices the action changed, or empty after printing why, when it failed on any. */
  static List<Followed> followed(JsonNode result, PrintWriter err) {
    List<Followed> out = new ArrayList<>();
    boolean failed = false;
    for (JsonNode s : result.path("slices")) {
      int slice = s.get("slice").asInt();
      if (!s.path("outcome").asText().equals("done")) {
        err.printf("readside admin: %s on slice %d: %s%n", s.path("outcome").asText(), slice, s.path("note").asText(""));
        failed = true;
      } else if (result.path("action").asText().equals("rebuild")) {
        out.add(new Followed.Rebuild(slice, s.path("eventsToReplay").asLong()));
      } else if (s.path("eventsToReplay").asLong() > 0) {
        out.add(new Followed.Rewind(slice, s.get("eventsToReplay").asLong(), s.get("offsetAfter").asLong(), s.get("offsetBefore").asLong()));
      }
    }
    return failed ? null : out;
  }

  static int follow(AdminCommand admin, String projection, List<Followed> slices, Duration timeout, PrintWriter err)
      throws Exception {
    ProgressBar bar = new ProgressBar(err, ProgressBar.stderrIsTerminal());
    long total = slices.stream().mapToLong(Followed::toReplay).sum();
    Instant started = Instant.now();
    Instant deadline = started.plus(timeout);
    while (true) {
      JsonNode status = sliceStatus(admin, projection);
      long done = 0;
      boolean complete = true;
      List<String> notes = new ArrayList<>();
      for (Followed f : slices) {
        JsonNode s = status.get(f.slice());
        Progress p = progress(f, s);
        done += p.done();
        complete &= p.complete();
        if (!p.complete()) {
          note(s, started).ifPresent(notes::add);
        }
      }
      String note = notes.isEmpty() ? null : String.join("; ", notes);
      if (complete) {
        bar.finish(total, total, null);
        err.printf("readside admin: %s caught up on %s in %s%n", projection, slicesText(slices),
            ProgressBar.duration(Duration.between(started, Instant.now()).toMillis() / 1000.0));
        return 0;
      }
      if (Instant.now().isAfter(deadline)) {
        bar.finish(done, total, note);
        err.printf("readside admin: timed out after %d s with %,d of %,d events replayed%s%n",
            timeout.toSeconds(), done, total, note == null ? "" : " (" + note + ")");
        return TIMED_OUT;
      }
      bar.update(done, total, note);
      Thread.sleep(POLL.toMillis());
    }
  }

  /** Follows a shadow rebuild until its swap is done (0), it failed or stalled (1), or the time is up (4). */
  static int followShadow(AdminCommand admin, String projection, Duration timeout, PrintWriter err) throws Exception {
    ProgressBar bar = new ProgressBar(err, ProgressBar.stderrIsTerminal());
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      JsonNode r = admin.get("/admin/projections/" + projection + "/shadow-rebuild");
      long done = r.path("eventsReplayed").asLong();
      long total = Math.max(done, r.path("eventsToReplay").asLong());
      String state = r.path("state").asText();
      switch (state) {
        case "done" -> {
          bar.finish(done, total, null);
          err.printf("readside admin: %s rebuilt in shadow and swapped in: %,d rows in %,d ms (instances paused %,d ms)%n",
              projection, r.path("rowsSwapped").asLong(), r.path("swapMillis").asLong(), r.path("pausedMillis").asLong());
          return 0;
        }
        case "failed" -> {
          bar.finish(done, total, "failed");
          err.printf("readside admin: the shadow rebuild of %s failed, nothing live changed: %s%n", projection, r.path("error").asText());
          return FAILED;
        }
        default -> {
          if (r.path("stalled").asBoolean()) {
            bar.finish(done, total, "stalled");
            err.printf("readside admin: the shadow rebuild of %s has not moved since %s (its node, %s, may be gone)%n",
                projection, r.path("updatedAt").asText(), r.path("node").asText());
            return FAILED;
          }
        }
      }
      if (Instant.now().isAfter(deadline)) {
        bar.finish(done, total, state);
        err.printf("readside admin: timed out after %d s while the shadow rebuild was %s; it goes on (GET /admin/projections/%s/shadow-rebuild)%n",
            timeout.toSeconds(), state, projection);
        return TIMED_OUT;
      }
      bar.update(done, total, state.equals("swapping") ? "swapping" : null);
      Thread.sleep(POLL.toMillis());
    }
  }

  private static Progress progress(Followed followed, JsonNode s) {
    return switch (followed) {
      case Followed.Rebuild r -> s.hasNonNull("rebuild")
          ? new Progress(Math.min(r.toReplay(), s.get("rebuild").get("eventsReplayed").asLong()), false)
          : new Progress(r.toReplay(), true);
      case Followed.Rewind r -> {
        long offset = s.path("offset").asLong(0);
        // With horizon offsets the ordering part need not grow past the old one: caught up is no lag.
        if (offset >= r.until() || (s.hasNonNull("horizonOffset") && s.path("lagEvents").asLong(-1) == 0)) {
          yield new Progress(r.toReplay(), true);
        }
        // Estimated from where the offset stands between the two orderings; exact at both ends.
        double fraction = Math.max(0, (double) (offset - r.from()) / (r.until() - r.from()));
        yield new Progress(Math.round(fraction * r.toReplay()), false);
      }
    };
  }

  /** Why a slice may not be moving: paused, or failing since the wait began. */
  private static java.util.Optional<String> note(JsonNode s, Instant started) {
    int slice = s.get("slice").asInt();
    if (s.path("paused").asBoolean()) {
      return java.util.Optional.of("slice " + slice + " is paused: it replays once resumed");
    }
    if (s.hasNonNull("lastErrorAt") && !Instant.parse(s.get("lastErrorAt").asText()).isBefore(started)) {
      String error = s.path("lastError").asText();
      return java.util.Optional.of("slice " + slice + " failing: " + (error.length() > 120 ? error.substring(0, 120) + "..." : error));
    }
    return java.util.Optional.empty();
  }

  /** The projection's slices from the status route, indexed by slice number. */
  private static JsonNode sliceStatus(AdminCommand admin, String projection) throws Exception {
    for (JsonNode p : admin.get("/admin/projections").path("projections")) {
      if (p.path("projection").asText().equals(projection)) {
        return p.get("slices");
      }
    }
    throw new IllegalStateException("the status has no projection " + projection);
  }

  private static String slicesText(List<Followed> slices) {
    return slices.size() == 1 ? "slice " + slices.get(0).slice() : slices.size() + " slices";
  }
}
