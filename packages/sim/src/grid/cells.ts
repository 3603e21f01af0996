/**
 * The one rule both grids use to put a coordinate in a cell.
 * @module
 */

/**
 * The cell (column or row) of a coordinate along an axis of `cells` cells of `cellM` metres, clamped to
 * the grid, so positions just outside the area still land in an edge cell.
 */
export function clampedCell(coordM: number, cellM: number, cells: number): number {
  const c = Math.floor(coordM / cellM);
  return c < 0 ? 0 : c >= cells ? cells - 1 : c;
}
