/**
 * Everything `report.html` shows, as plain data: the simulation fills it, the renderer draws it. Kept
 * separate so the renderer can be tested on hand-made data and the run never depends on the charts.
 * @module
 */

/** One row of the summary table: a label, the value as shown, and an optional note. */
export interface SummaryRow {
  label: string;
  value: string;
  note?: string;
}

/** A rectangle of a venue (room, desk block, stall, bus body), metres. */
export interface VenueRect {
  xM: number;
  yM: number;
  widthM: number;
  heightM: number;
  label?: string;
}

/** A wall segment, metres; its loss in dB is shown in the tooltip. */
export interface VenueWall {
  x1M: number;
  y1M: number;
  x2M: number;
  y2M: number;
  lossDb: number;
}

/** One person's sampled track, metres; `app` says whether the phone runs the app. */
export interface Track {
  person: number;
  app: boolean;
  /** Flat [x0, y0, x1, y1, …] in time order; NaN pairs mark gaps (the person was away). */
  xyM: number[];
}

export interface ReportData {
  title: string;
  /** Scenario, seed, version, run time: shown above everything. */
  subtitle: string;
  summary: SummaryRow[];
  /**
   * Stored sightings: true distance vs the estimate (median) the core estimator gave, metres. At most a few
   * thousand points (the simulation subsamples deterministically).
   */
  distance: { trueM: number[]; estimatedM: number[] };
  /**
   * Precision and recall of the close-contact verdict as the distance threshold of the rule varies; the
   * configured threshold is marked. Also the Bluezone RSSI rule's single point at its threshold.
   */
  thresholdSweep: {
    thresholdM: number[];
    precision: number[];
    recall: number[];
    configuredThresholdM: number;
    bluezone?: { precision: number; recall: number };
  };
  /** Per app pair with any true or estimated exposure: minutes within the distance threshold, true vs estimated. */
  durations: {
    trueMinutes: ArrayLike<number>;
    estimatedMinutes: ArrayLike<number>;
    thresholdMinutes: number;
  };
  /** The venue(s) and a sample of tracks. */
  map: { widthM: number; heightM: number; rects: VenueRect[]; walls: VenueWall[]; tracks: Track[] };
  /** Tracing through published keys: counts. */
  tracing: {
    f0: number;
    trueF1: number;
    trueF1WithApp: number;
    notifiedF1: number;
    notifiedTrueF1: number;
    missedNoApp: number;
    recall: number;
    precision: number;
  };
}
