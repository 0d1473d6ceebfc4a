package io.readside.projections.admin;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;

/** What an operation did: per slice, and overall (outcome: done, dry-run, unchanged, failed, or partial when the slices differ). */
record OperationResult(String projection, String action, boolean dryRun, String outcome, List<OperationResult.SliceOutcome> slices) {
  OperationResult(String projection, String action, boolean dryRun, List<SliceOutcome> slices) {
    this(projection, action, dryRun, overall(slices), slices);
  }

  private static String overall(List<SliceOutcome> slices) {
    List<Outcome> distinct = slices.stream().map(SliceOutcome::outcome).distinct().toList();
    return distinct.size() == 1 ? distinct.get(0).json() : "partial";
  }

  /** What an operation did to one slice. */
  enum Outcome {
    /** Carried out. */
    DONE,
    /** Only counted (a dry run). */
    DRY_RUN,
    /** Not attempted, nothing changed (e.g. the running instance did not confirm its pause). */
    UNCHANGED,
    /** Attempted and failed; the note says what the slice was left as. */
    FAILED;

    @JsonValue
    String json() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  record SliceOutcome(
      int slice, Long offsetBefore, Long offsetAfter, long eventsToReplay, boolean instanceAcknowledged, Outcome outcome, String note) {
    static SliceOutcome failed(int slice, String note) {
      return new SliceOutcome(slice, null, null, 0, false, Outcome.FAILED, note);
    }

    /** The same outcome, after the pause around it: whether the instance confirmed it, and what its undoing left. */
    SliceOutcome afterPause(boolean acknowledged, SlicePause.Restore restore) {
      return new SliceOutcome(slice, offsetBefore, offsetAfter, eventsToReplay, acknowledged, outcome, restore.appendedTo(note));
    }
  }
}
