;; The inner loops of RangeContacts.findEvents (src/truth/rangeContacts.ts), in WebAssembly: every
;; candidate pair of one update's grid, each once, judged at both updates' positions. Compiled to
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
(module
  (memory (export "memory") 1)
  ;; Where findEvents stopped for want of room (-1: it finished): the cell and the item to go on from.
  (global $resumeCell (export "resumeCell") (mut i32) (i32.const -1))
  (global $resumeItem (export "resumeItem") (mut i32) (i32.const 0))

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
