/**
 * Who {@link stepMovers} needs to visit, for worlds that change a person only in their own `idle` call
 * ({@link MobilityWorld.onlyIdleChanges}): the people walking, plus those whose pause ends by the step.
 * In a district at rest most people sit through long pauses, and a step that looked at everyone to
 * find the 3 % who walk cost more than the walking; here a step costs what its walkers and wakers do.
 *
 * Walkers and wakers are bits of one bitset, visited in ascending order (the order of a plain loop
 * over everyone); pauses wait in a binary min-heap of (end, person) and set their person's bit once
 * due. A bit set without need is harmless: the visit tests the person's state exactly as the full loop
 * does. A heap entry can outlive the pause it was pushed for (the person was given something else to
 * do); it then only sets a bit that is set already or tested away.
 * @module
 */
import { ensureLength } from '../util/growable.js';

export class WakeSchedule {
  /** One bit a person: visit at the next step. */
  readonly awake: Uint32Array;
  /** The people visited at the last step, ascending ({@link visitedCount} of them). */
  readonly visited: Int32Array;
  visitedCount = 0;
  /** Steps taken; the move log reads {@link visited} only when exactly one step passed since its last look. */
  steps = 0;
  private heapEndS = new Float64Array(1024);
  private heapPerson = new Int32Array(1024);
  private heapSize = 0;

  constructor(readonly count: number) {
    this.awake = new Uint32Array(Math.ceil(count / 32));
    this.visited = new Int32Array(count);
  }

  /** Marks person p to be visited at the next step. */
  wake(p: number): void {
    this.awake[p >>> 5] = this.awake[p >>> 5]! | (1 << (p & 31));
  }

  /** Person p is to be visited once `untilS` has come (Infinity: never, unless woken). */
  sleepUntil(p: number, untilS: number): void {
    if (untilS === Infinity) return;
    if (this.heapSize === this.heapEndS.length) {
      this.heapEndS = ensureLength(this.heapEndS, this.heapSize + 1);
      this.heapPerson = ensureLength(this.heapPerson, this.heapSize + 1);
    }
    const { heapEndS, heapPerson } = this;
    // Sift up.
    let i = this.heapSize++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heapEndS[parent]! <= untilS) break;
      heapEndS[i] = heapEndS[parent]!;
      heapPerson[i] = heapPerson[parent]!;
      i = parent;
    }
    heapEndS[i] = untilS;
    heapPerson[i] = p;
  }

  /** Wakes everyone whose pause ends by `tS`. */
  wakeDue(tS: number): void {
    const { heapEndS, heapPerson } = this;
    while (this.heapSize > 0 && heapEndS[0]! <= tS) {
      this.wake(heapPerson[0]!);
      // Pop: the last entry sifts down from the top.
      const size = --this.heapSize;
      const endS = heapEndS[size]!;
      const person = heapPerson[size]!;
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= size) break;
        if (child + 1 < size && heapEndS[child + 1]! < heapEndS[child]!) child++;
        if (heapEndS[child]! >= endS) break;
        heapEndS[i] = heapEndS[child]!;
        heapPerson[i] = heapPerson[child]!;
        i = child;
      }
      heapEndS[i] = endS;
      heapPerson[i] = person;
    }
  }

  /** Pending pauses (entries outlived by their pause included). */
  get pending(): number {
    return this.heapSize;
  }
}
