;; The loops of a RangeContacts update (src/truth/rangeContacts.ts), in WebAssembly: the grid's counting
;; sort, then every candidate pair of the grid, each once, judged at both updates' positions. Compiled to
;; rangeEvents.wasm.ts by scripts/write-wasm.ts (run it after editing this file; a test checks the
;; shipped bytes are current).
;;
;; Why WebAssembly: the candidate test is a handful of loads and flops, and in JavaScript each typed-array
;; access carries a bounds check and each comparison a conversion; compiled from here the same
;; arithmetic (IEEE doubles, no fused multiply-add, so bit for bit what JavaScript computes) runs about
;; twice as fast.
;;
;; Memory (byte offsets passed in, all set up by src/truth/linkKernel.ts):
;;   cellStart  u32 per padded cell + 1: cell c's items are cellStart[c] … cellStart[c + 1] - 1
;;   items      u32 per item: the walker
;;   xy         4 f64 per item: x, y now, x, y at the previous update (NaN: absent then)
;;   near       u32 scratch, one walker's changed candidates: item · 2 + 1 (up) or + 0 (down)
;;   evA, evB   u32 per event: the two walkers; evUp u8 per event: 1 up, 0 down
;;   xIn, yIn   f64 per walker, presentIn u8 per walker: the update's positions, copied in
;;   pos        2 f64 per walker: x, y (NaN while away), this update's and the previous one's
;;   cellOf     i32 per walker (-1: away); cellFill u32 per cell (scratch of the counting sort)
;;   movers     u32 per mover, moverPrevCell i32 per mover, isMover u8 per walker
(module
  (memory (export "memory") 1)
  ;; Where findEvents stopped for want of room (-1: it finished): the cell and the item to go on from.
  (global $resumeCell (export "resumeCell") (mut i32) (i32.const -1))
  (global $resumeItem (export "resumeItem") (mut i32) (i32.const 0))

  ;; Indexes one update (the positions x, y and presence copied in, 1 byte a walker): a counting sort of
  ;; everyone present into cells (positions outside clamp to the edge cells), their positions now and at
  ;; the previous update copied to xy in cell order, and the movers listed: walkers present at the
  ;; previous update that left or moved farther than a step (squared: step2), with their previous cell.
  ;; Returns the number of movers.
  (func (export "index")
        (param $n i32) (param $cols i32) (param $rows i32) (param $stride i32) (param $pad i32)
        (param $cellM f64) (param $step2 f64) (param $xIn i32) (param $yIn i32) (param $presentIn i32)
        (param $pos i32) (param $prevPos i32) (param $cellOf i32) (param $cellStart i32)
        (param $cellFill i32) (param $cells i32) (param $items i32) (param $xy i32)
        (param $movers i32) (param $moverPrevCell i32) (param $isMover i32) (result i32)
    (local $p i32) (local $m i32) (local $cell i32) (local $k i32) (local $at i32) (local $prevAt i32)
    (local $x f64) (local $y f64) (local $px f64) (local $py f64) (local $c f64) (local $r f64)
    (memory.fill (local.get $cellStart) (i32.const 0) (i32.shl (i32.add (local.get $cells) (i32.const 1)) (i32.const 2)))
    (block $walkersDone
      (br_if $walkersDone (i32.eqz (local.get $n)))
      (loop $walkers
        (local.set $at (i32.add (local.get $pos) (i32.shl (local.get $p) (i32.const 4))))
        (local.set $prevAt (i32.add (local.get $prevPos) (i32.shl (local.get $p) (i32.const 4))))
        (local.set $px (f64.load (local.get $prevAt)))
        (local.set $py (f64.load offset=8 (local.get $prevAt)))
        (block $next
          (if (i32.eqz (i32.load8_u (i32.add (local.get $presentIn) (local.get $p))))
            (then
              ;; Present before (a number, not NaN): it left.
              (if (f64.eq (local.get $px) (local.get $px))
                (then
                  (i32.store (i32.add (local.get $moverPrevCell) (i32.shl (local.get $m) (i32.const 2)))
                    (i32.load (i32.add (local.get $cellOf) (i32.shl (local.get $p) (i32.const 2)))))
                  (i32.store (i32.add (local.get $movers) (i32.shl (local.get $m) (i32.const 2))) (local.get $p))
                  (local.set $m (i32.add (local.get $m) (i32.const 1)))
                  (i32.store8 (i32.add (local.get $isMover) (local.get $p)) (i32.const 1))))
              (i32.store (i32.add (local.get $cellOf) (i32.shl (local.get $p) (i32.const 2))) (i32.const -1))
              (f64.store (local.get $at) (f64.const nan))
              (f64.store offset=8 (local.get $at) (f64.const nan))
              (br $next)))
          (local.set $x (f64.load (i32.add (local.get $xIn) (i32.shl (local.get $p) (i32.const 3)))))
          (local.set $y (f64.load (i32.add (local.get $yIn) (i32.shl (local.get $p) (i32.const 3)))))
          (f64.store (local.get $at) (local.get $x))
          (f64.store offset=8 (local.get $at) (local.get $y))
          ;; NaN (absent before) is never farther than a step.
          (if (f64.gt
                (f64.add
                  (f64.mul (f64.sub (local.get $x) (local.get $px)) (f64.sub (local.get $x) (local.get $px)))
                  (f64.mul (f64.sub (local.get $y) (local.get $py)) (f64.sub (local.get $y) (local.get $py))))
                (local.get $step2))
            (then
              (i32.store (i32.add (local.get $moverPrevCell) (i32.shl (local.get $m) (i32.const 2)))
                (i32.load (i32.add (local.get $cellOf) (i32.shl (local.get $p) (i32.const 2)))))
              (i32.store (i32.add (local.get $movers) (i32.shl (local.get $m) (i32.const 2))) (local.get $p))
              (local.set $m (i32.add (local.get $m) (i32.const 1)))
              (i32.store8 (i32.add (local.get $isMover) (local.get $p)) (i32.const 1))))
          (local.set $c (f64.floor (f64.div (local.get $x) (local.get $cellM))))
          (local.set $r (f64.floor (f64.div (local.get $y) (local.get $cellM))))
          (if (f64.lt (local.get $c) (f64.const 0))
            (then (local.set $c (f64.const 0)))
            (else (if (f64.ge (local.get $c) (f64.convert_i32_s (local.get $cols)))
              (then (local.set $c (f64.convert_i32_s (i32.sub (local.get $cols) (i32.const 1))))))))
          (if (f64.lt (local.get $r) (f64.const 0))
            (then (local.set $r (f64.const 0)))
            (else (if (f64.ge (local.get $r) (f64.convert_i32_s (local.get $rows)))
              (then (local.set $r (f64.convert_i32_s (i32.sub (local.get $rows) (i32.const 1))))))))
          (local.set $cell
            (i32.add
              (i32.add (i32.mul (i32.trunc_sat_f64_s (local.get $r)) (local.get $stride)) (i32.trunc_sat_f64_s (local.get $c)))
              (local.get $pad)))
          (i32.store (i32.add (local.get $cellOf) (i32.shl (local.get $p) (i32.const 2))) (local.get $cell))
          (local.set $at (i32.add (local.get $cellStart) (i32.shl (i32.add (local.get $cell) (i32.const 1)) (i32.const 2))))
          (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br_if $walkers (i32.lt_u (local.get $p) (local.get $n)))))
    ;; Prefix sums: cellStart[c] is where cell c's items start; cellFill is each cell's next place.
    (local.set $k (i32.const 0))
    (block $prefixDone
      (loop $prefix
        (br_if $prefixDone (i32.ge_u (local.get $k) (local.get $cells)))
        (local.set $at (i32.add (local.get $cellStart) (i32.shl (local.get $k) (i32.const 2))))
        (i32.store offset=4 (local.get $at) (i32.add (i32.load offset=4 (local.get $at)) (i32.load (local.get $at))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $prefix)))
    (memory.copy (local.get $cellFill) (local.get $cellStart) (i32.shl (local.get $cells) (i32.const 2)))
    (local.set $p (i32.const 0))
    (block $placeDone
      (br_if $placeDone (i32.eqz (local.get $n)))
      (loop $place
        (local.set $cell (i32.load (i32.add (local.get $cellOf) (i32.shl (local.get $p) (i32.const 2)))))
        (if (i32.ge_s (local.get $cell) (i32.const 0))
          (then
            (local.set $at (i32.add (local.get $cellFill) (i32.shl (local.get $cell) (i32.const 2))))
            (local.set $k (i32.load (local.get $at)))
            (i32.store (local.get $at) (i32.add (local.get $k) (i32.const 1)))
            (i32.store (i32.add (local.get $items) (i32.shl (local.get $k) (i32.const 2))) (local.get $p))
            (local.set $at (i32.add (local.get $xy) (i32.shl (local.get $k) (i32.const 5))))
            (local.set $prevAt (i32.add (local.get $pos) (i32.shl (local.get $p) (i32.const 4))))
            (f64.store (local.get $at) (f64.load (local.get $prevAt)))
            (f64.store offset=8 (local.get $at) (f64.load offset=8 (local.get $prevAt)))
            (local.set $prevAt (i32.add (local.get $prevPos) (i32.shl (local.get $p) (i32.const 4))))
            (f64.store offset=16 (local.get $at) (f64.load (local.get $prevAt)))
            (f64.store offset=24 (local.get $at) (f64.load offset=8 (local.get $prevAt)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br_if $place (i32.lt_u (local.get $p) (local.get $n)))))
    (local.get $m))

  ;; Appends to near from k on the items j in [from, to) whose link with (xi, yi), previously (pxi, pyi),
  ;; changed; returns the new count. Branch-free: every j is written, k advances only on a change.
  (func $run (param $xi f64) (param $yi f64) (param $pxi f64) (param $pyi f64)
             (param $xy i32) (param $from i32) (param $to i32) (param $r2 f64)
             (param $near i32) (param $k i32) (result i32)
    (local $at i32) (local $end i32) (local $now i32)
    (local $dx f64) (local $dy f64) (local $px f64) (local $py f64)
    (local.set $at (i32.add (local.get $xy) (i32.shl (local.get $from) (i32.const 5))))
    (local.set $end (i32.add (local.get $xy) (i32.shl (local.get $to) (i32.const 5))))
    (block $done
      (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
      (loop $next
        (local.set $dx (f64.sub (f64.load (local.get $at)) (local.get $xi)))
        (local.set $dy (f64.sub (f64.load offset=8 (local.get $at)) (local.get $yi)))
        (local.set $px (f64.sub (f64.load offset=16 (local.get $at)) (local.get $pxi)))
        (local.set $py (f64.sub (f64.load offset=24 (local.get $at)) (local.get $pyi)))
        (local.set $now
          (f64.le
            (f64.add (f64.mul (local.get $dx) (local.get $dx)) (f64.mul (local.get $dy) (local.get $dy)))
            (local.get $r2)))
        ;; item · 2 + now, the item being (at - xy) / 32
        (i32.store
          (i32.add (local.get $near) (i32.shl (local.get $k) (i32.const 2)))
          (i32.or (i32.shr_u (i32.sub (local.get $at) (local.get $xy)) (i32.const 4)) (local.get $now)))
        (local.set $k
          (i32.add (local.get $k)
            (i32.xor (local.get $now)
              (f64.le
                (f64.add (f64.mul (local.get $px) (local.get $px)) (f64.mul (local.get $py) (local.get $py)))
                (local.get $r2)))))
        (local.set $at (i32.add (local.get $at) (i32.const 32)))
        (br_if $next (i32.lt_u (local.get $at) (local.get $end)))))
    (local.get $k))

  ;; Every candidate of the cells from `cell` (its items from `item`) up to `endCell`: a cell's items
  ;; against the rest of the cell and its `pad` east neighbours (one run of the cell order), then against
  ;; the 2 · pad + 1 cells of each of the `pad` rows below (a run each). Events go from index `ev` on;
  ;; returns the event count. Before each item it makes sure the item's every candidate has room below
  ;; `cap`; if not, it sets resumeCell / resumeItem and returns (the caller grows the buffers and calls
  ;; again from there).
  (func (export "findEvents")
        (param $cell i32) (param $item i32) (param $endCell i32) (param $stride i32) (param $pad i32)
        (param $r2 f64) (param $cellStart i32) (param $items i32) (param $xy i32) (param $near i32)
        (param $evA i32) (param $evB i32) (param $evUp i32) (param $ev i32) (param $cap i32)
        (result i32)
    (local $s1 i32) (local $i i32) (local $east i32) (local $below i32) (local $dy i32)
    (local $row i32) (local $k i32) (local $q i32) (local $code i32) (local $a i32) (local $at i32)
    (local $xi f64) (local $yi f64) (local $pxi f64) (local $pyi f64)
    (global.set $resumeCell (i32.const -1))
    (block $cellsDone
      (br_if $cellsDone (i32.ge_u (local.get $cell) (local.get $endCell)))
      (loop $cells
        (local.set $i (i32.load (i32.add (local.get $cellStart) (i32.shl (local.get $cell) (i32.const 2)))))
        (if (i32.gt_u (local.get $item) (local.get $i)) (then (local.set $i (local.get $item))))
        (local.set $s1
          (i32.load (i32.add (local.get $cellStart) (i32.shl (i32.add (local.get $cell) (i32.const 1)) (i32.const 2)))))
        (if (i32.lt_u (local.get $i) (local.get $s1))
          (then
            (local.set $east
              (i32.load (i32.add (local.get $cellStart)
                (i32.shl (i32.add (i32.add (local.get $cell) (local.get $pad)) (i32.const 1)) (i32.const 2)))))
            (local.set $below (i32.const 0))
            (local.set $dy (i32.const 1))
            (block $rowsDone
              (loop $rows
                (br_if $rowsDone (i32.gt_u (local.get $dy) (local.get $pad)))
                (local.set $row (i32.add (local.get $cell) (i32.mul (local.get $dy) (local.get $stride))))
                (local.set $below
                  (i32.add (local.get $below)
                    (i32.sub
                      (i32.load (i32.add (local.get $cellStart)
                        (i32.shl (i32.add (i32.add (local.get $row) (local.get $pad)) (i32.const 1)) (i32.const 2))))
                      (i32.load (i32.add (local.get $cellStart)
                        (i32.shl (i32.sub (local.get $row) (local.get $pad)) (i32.const 2)))))))
                (local.set $dy (i32.add (local.get $dy) (i32.const 1)))
                (br $rows)))
            (loop $itemsLoop
              ;; Room for every candidate of item i (those east of it, those below), else stop here.
              (if (i32.gt_u
                    (i32.add (local.get $ev)
                      (i32.add (i32.sub (i32.sub (local.get $east) (local.get $i)) (i32.const 1)) (local.get $below)))
                    (local.get $cap))
                (then
                  (global.set $resumeCell (local.get $cell))
                  (global.set $resumeItem (local.get $i))
                  (return (local.get $ev))))
              (local.set $at (i32.add (local.get $xy) (i32.shl (local.get $i) (i32.const 5))))
              (local.set $xi (f64.load (local.get $at)))
              (local.set $yi (f64.load offset=8 (local.get $at)))
              (local.set $pxi (f64.load offset=16 (local.get $at)))
              (local.set $pyi (f64.load offset=24 (local.get $at)))
              (local.set $k
                (call $run (local.get $xi) (local.get $yi) (local.get $pxi) (local.get $pyi) (local.get $xy)
                  (i32.add (local.get $i) (i32.const 1)) (local.get $east) (local.get $r2) (local.get $near)
                  (i32.const 0)))
              (local.set $dy (i32.const 1))
              (block $belowDone
                (loop $belowRows
                  (br_if $belowDone (i32.gt_u (local.get $dy) (local.get $pad)))
                  (local.set $row (i32.add (local.get $cell) (i32.mul (local.get $dy) (local.get $stride))))
                  (local.set $k
                    (call $run (local.get $xi) (local.get $yi) (local.get $pxi) (local.get $pyi) (local.get $xy)
                      (i32.load (i32.add (local.get $cellStart)
                        (i32.shl (i32.sub (local.get $row) (local.get $pad)) (i32.const 2))))
                      (i32.load (i32.add (local.get $cellStart)
                        (i32.shl (i32.add (i32.add (local.get $row) (local.get $pad)) (i32.const 1)) (i32.const 2))))
                      (local.get $r2) (local.get $near) (local.get $k)))
                  (local.set $dy (i32.add (local.get $dy) (i32.const 1)))
                  (br $belowRows)))
              (if (local.get $k)
                (then
                  (local.set $a (i32.load (i32.add (local.get $items) (i32.shl (local.get $i) (i32.const 2)))))
                  (local.set $q (i32.const 0))
                  (loop $events
                    (local.set $code (i32.load (i32.add (local.get $near) (i32.shl (local.get $q) (i32.const 2)))))
                    (i32.store (i32.add (local.get $evA) (i32.shl (local.get $ev) (i32.const 2))) (local.get $a))
                    (i32.store (i32.add (local.get $evB) (i32.shl (local.get $ev) (i32.const 2)))
                      (i32.load (i32.add (local.get $items)
                        (i32.shl (i32.shr_u (local.get $code) (i32.const 1)) (i32.const 2)))))
                    (i32.store8 (i32.add (local.get $evUp) (local.get $ev))
                      (i32.and (local.get $code) (i32.const 1)))
                    (local.set $ev (i32.add (local.get $ev) (i32.const 1)))
                    (local.set $q (i32.add (local.get $q) (i32.const 1)))
                    (br_if $events (i32.lt_u (local.get $q) (local.get $k))))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $itemsLoop (i32.lt_u (local.get $i) (local.get $s1))))))
        (local.set $item (i32.const 0))
        (local.set $cell (i32.add (local.get $cell) (i32.const 1)))
        (br_if $cells (i32.lt_u (local.get $cell) (local.get $endCell)))))
    (local.get $ev))
)
