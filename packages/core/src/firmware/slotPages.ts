/**
 * Pages of slots in columns shared by many short-lived owners (a crowd's open scans): an owner takes a
 * page when its last is full and gives its pages back when it ends, so the columns hold about the
 * slots in use, where objects with columns of their own each kept the most slots any owner of theirs
 * had needed, and a few typed arrays apiece (view, ArrayBuffer and backing store each). Also spare
 * hash tables by size, for owners that outgrow their own small one.
 * @module
 */

/** Slots per page (a power of two; a scan hears a few dozen IDs). */
export const PAGE_SLOTS = 16;
/** log2 of {@link PAGE_SLOTS}. */
export const PAGE_SLOT_BITS = 4;

export class SlotPages {
  /** Pages given back (a stack: the last given, still in the caches, is taken first). */
  private readonly freePages: number[] = [];
  private pages = 0;
  /** Tables given back, by log2 of their length. */
  private readonly freeTables: Int32Array[][] = [];

  /**
   * @param capacitySlots slots the columns hold now (a multiple of {@link PAGE_SLOTS})
   * @param grow called with a larger capacity before a page beyond the current one is handed out: the
   *   owner of the columns grows them to it (copying; readers take columns after their last take)
   */
  constructor(
    private capacitySlots: number,
    private readonly grow: (capacitySlots: number) => void,
  ) {}

  /** Pages handed out and not given back. */
  get pagesInUse(): number {
    return this.pages - this.freePages.length;
  }

  /** A page (its first slot is page × {@link PAGE_SLOTS}). */
  take(): number {
    const free = this.freePages.pop();
    if (free !== undefined) return free;
    const page = this.pages++;
    if (this.pages * PAGE_SLOTS > this.capacitySlots) {
      // A quarter more: the columns are a crowd's, and a doubling would leave much of them empty.
      this.capacitySlots = Math.ceil((this.capacitySlots * 5) / 4 / PAGE_SLOTS) * PAGE_SLOTS;
      this.grow(this.capacitySlots);
    }
    return page;
  }

  /**
   * The slot of an owner's entry number `k` (its entries so far), given the slot of entry k − 1
   * (entries fill their pages in order): the first of a new page, pushed onto `pages`, when k starts
   * one. The columns may grow here: read them afterwards.
   */
  slotAfter(pages: number[], k: number, lastSlot: number): number {
    if ((k & (PAGE_SLOTS - 1)) !== 0) return lastSlot + 1;
    const page = this.take();
    pages.push(page);
    return page * PAGE_SLOTS;
  }

  /** Gives back an owner's pages (the last first, so the next owner takes the first). */
  giveAll(pages: number[]): void {
    for (let i = pages.length - 1; i >= 0; i--) this.freePages.push(pages[i]!);
    pages.length = 0;
  }

  /** A zeroed table of `length` entries (a power of two). */
  takeTable(length: number): Int32Array {
    return this.freeTables[Math.log2(length)]?.pop() ?? new Int32Array(length);
  }

  /** Back for reuse: a table whose entries are all zero again. */
  giveTable(table: Int32Array): void {
    (this.freeTables[Math.log2(table.length)] ??= []).push(table);
  }
}

/** The column index of an owner's k-th slot, its pages in order. */
export function slotOfPage(pages: readonly number[], k: number): number {
  return pages[k >>> PAGE_SLOT_BITS]! * PAGE_SLOTS + (k & (PAGE_SLOTS - 1));
}
