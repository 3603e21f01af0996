/**
 * The simulation report: plain data in ({@link ReportData}), one self-contained HTML page out.
 * @module
 */
export { renderReport, escapeHtml } from './render.js';
export type { RenderReportOptions } from './render.js';
export type { ReportData, SummaryRow, Track, VenueRect, VenueWall } from './reportData.js';
