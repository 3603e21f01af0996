;; The line writer of ConnectivityLog (src/truth/connectivityLog.ts), in WebAssembly: one update's events
;; mapped to ranks, sorted (a counting sort by the lower rank, then by insertion within each walker's few),
;; and written as ConnectivityONEReport lines, `TIME CONN A B up|down`, into an output region that the
;; caller hands to its sink. Compiled to connectivityLines.wasm.ts by scripts/write-wasm.ts (run it after
;; editing this file; a test checks the shipped bytes are current).
;;
;; Why WebAssembly: a line is a few unaligned 8-byte copies here (prefix, two labels, up or down), where
;; JavaScript wrote it as bounds-checked 4-byte DataView stores; with the sort, about three times faster.
;; Memory (byte offsets, set up by src/truth/connectivityLines.ts):
;;   prefix  the update's `TIME CONN `, padded with 8 spare bytes
;;   out     the output, with 64 spare bytes past its limit (pieces are stored in whole words)
;;   rank    i32 per walker: its place in id order;  labels: 16 bytes per rank, `label ` then its length
;;           in byte 15
;;   loCount u32 × (people + 1)
;;   a, b    u32 per event, up u8 per event (the input); lo, rest u32 per event: lower rank, higher
;;           rank · 2 + up (sorted by writeSortedByCounting, or by the caller)
(module
  (memory (export "memory") 1)
  ;; Where the last formatLines call left the output.
  (global $outPos (export "outPos") (mut i32) (i32.const 0))

  ;; lo[k], rest[k] of each event from its walkers' ranks.
  (func (export "rankEvents")
        (param $count i32) (param $rank i32) (param $a i32) (param $b i32) (param $up i32)
        (param $lo i32) (param $rest i32)
    (local $k i32) (local $ra i32) (local $rb i32) (local $at i32)
    (block $done
      (br_if $done (i32.eqz (local.get $count)))
      (loop $each
        (local.set $at (i32.shl (local.get $k) (i32.const 2)))
        (local.set $ra (i32.load (i32.add (local.get $rank)
          (i32.shl (i32.load (i32.add (local.get $a) (local.get $at))) (i32.const 2)))))
        (local.set $rb (i32.load (i32.add (local.get $rank)
          (i32.shl (i32.load (i32.add (local.get $b) (local.get $at))) (i32.const 2)))))
        (i32.store (i32.add (local.get $lo) (local.get $at))
          (select (local.get $ra) (local.get $rb) (i32.lt_s (local.get $ra) (local.get $rb))))
        (i32.store (i32.add (local.get $rest) (local.get $at))
          (i32.add
            (i32.shl (select (local.get $rb) (local.get $ra) (i32.lt_s (local.get $ra) (local.get $rb))) (i32.const 1))
            (i32.load8_u (i32.add (local.get $up) (local.get $k)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $each (i32.lt_u (local.get $k) (local.get $count))))))

  ;; Sorts the events by (lo, rest): a counting sort by lo from evLo / evRest into lo / rest, then an
  ;; insertion sort of each lower rank's run by rest.
  (func (export "countingSort")
        (param $count i32) (param $people i32) (param $loCount i32)
        (param $evLo i32) (param $evRest i32) (param $lo i32) (param $rest i32)
    (local $k i32) (local $r i32) (local $at i32) (local $end i32) (local $start i32) (local $i i32)
    (local $j i32) (local $key i32) (local $v i32)
    (memory.fill (local.get $loCount) (i32.const 0) (i32.shl (i32.add (local.get $people) (i32.const 1)) (i32.const 2)))
    ;; loCount[lo + 1]++ per event, then prefix sums: loCount[r] is where run r starts.
    (local.set $k (i32.const 0))
    (block $countDone
      (br_if $countDone (i32.eqz (local.get $count)))
      (loop $counting
        (local.set $at (i32.add (local.get $loCount)
          (i32.shl (i32.add (i32.load (i32.add (local.get $evLo) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 1))
            (i32.const 2))))
        (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $counting (i32.lt_u (local.get $k) (local.get $count)))))
    (local.set $r (i32.const 0))
    (block $prefixDone
      (loop $prefix
        (br_if $prefixDone (i32.ge_u (local.get $r) (local.get $people)))
        (local.set $at (i32.add (local.get $loCount) (i32.shl (local.get $r) (i32.const 2))))
        (i32.store offset=4 (local.get $at)
          (i32.add (i32.load offset=4 (local.get $at)) (i32.load (local.get $at))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $prefix)))
    ;; Scatter in event order: loCount[lo] is each run's next place.
    (local.set $k (i32.const 0))
    (block $scatterDone
      (br_if $scatterDone (i32.eqz (local.get $count)))
      (loop $scatter
        (local.set $v (i32.load (i32.add (local.get $evLo) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $at (i32.add (local.get $loCount) (i32.shl (local.get $v) (i32.const 2))))
        (local.set $i (i32.load (local.get $at)))
        (i32.store (local.get $at) (i32.add (local.get $i) (i32.const 1)))
        (i32.store (i32.add (local.get $lo) (i32.shl (local.get $i) (i32.const 2))) (local.get $v))
        (i32.store (i32.add (local.get $rest) (i32.shl (local.get $i) (i32.const 2)))
          (i32.load (i32.add (local.get $evRest) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $scatter (i32.lt_u (local.get $k) (local.get $count)))))
    ;; Each run [start, end) of one lower rank by rest, by insertion (a walker has a few events).
    (local.set $start (i32.const 0))
    (block $runsDone
      (loop $runs
        (br_if $runsDone (i32.ge_u (local.get $start) (local.get $count)))
        (local.set $v (i32.load (i32.add (local.get $lo) (i32.shl (local.get $start) (i32.const 2)))))
        ;; After the scatter, loCount[v] is where run v ends.
        (local.set $end (i32.load (i32.add (local.get $loCount) (i32.shl (local.get $v) (i32.const 2)))))
        (local.set $i (i32.add (local.get $start) (i32.const 1)))
        (block $sortDone
          (loop $sort
            (br_if $sortDone (i32.ge_u (local.get $i) (local.get $end)))
            (local.set $key (i32.load (i32.add (local.get $rest) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $j (local.get $i))
            (block $shiftDone
              (loop $shift
                (br_if $shiftDone (i32.le_u (local.get $j) (local.get $start)))
                (local.set $at (i32.add (local.get $rest) (i32.shl (local.get $j) (i32.const 2))))
                (br_if $shiftDone (i32.le_u (i32.load offset=0 (i32.sub (local.get $at) (i32.const 4))) (local.get $key)))
                (i32.store (local.get $at) (i32.load (i32.sub (local.get $at) (i32.const 4))))
                (local.set $j (i32.sub (local.get $j) (i32.const 1)))
                (br $shift)))
            (i32.store (i32.add (local.get $rest) (i32.shl (local.get $j) (i32.const 2))) (local.get $key))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $sort)))
        (local.set $start (local.get $end))
        (br $runs))))

  ;; Writes the lines of sorted events from index `from` on at output position `pos`, until `count` or
  ;; until the output passes `limit`; returns the next event's index (outPos: where the output ends).
  (func (export "formatLines")
        (param $from i32) (param $count i32) (param $pos i32) (param $limit i32)
        (param $prefix i32) (param $prefixLength i32) (param $labels i32) (param $lo i32) (param $rest i32)
        (result i32)
    (local $k i32) (local $w i32) (local $label i32) (local $r i32)
    (local.set $k (local.get $from))
    (block $done
      (loop $lines
        (br_if $done (i32.ge_u (local.get $k) (local.get $count)))
        (br_if $done (i32.gt_u (local.get $pos) (local.get $limit)))
        (local.set $w (i32.const 0))
        (loop $prefixWords
          (i64.store (i32.add (local.get $pos) (local.get $w))
            (i64.load (i32.add (local.get $prefix) (local.get $w))))
          (local.set $w (i32.add (local.get $w) (i32.const 8)))
          (br_if $prefixWords (i32.lt_u (local.get $w) (local.get $prefixLength))))
        (local.set $pos (i32.add (local.get $pos) (local.get $prefixLength)))
        (local.set $label (i32.add (local.get $labels)
          (i32.shl (i32.load (i32.add (local.get $lo) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 4))))
        (i64.store (local.get $pos) (i64.load (local.get $label)))
        (i64.store offset=8 (local.get $pos) (i64.load offset=8 (local.get $label)))
        (local.set $pos (i32.add (local.get $pos) (i32.load8_u offset=15 (local.get $label))))
        (local.set $r (i32.load (i32.add (local.get $rest) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $label (i32.add (local.get $labels) (i32.shl (i32.shr_u (local.get $r) (i32.const 1)) (i32.const 4))))
        (i64.store (local.get $pos) (i64.load (local.get $label)))
        (i64.store offset=8 (local.get $pos) (i64.load offset=8 (local.get $label)))
        (local.set $pos (i32.add (local.get $pos) (i32.load8_u offset=15 (local.get $label))))
        ;; "up\n" or "down\n", little-endian
        (if (i32.and (local.get $r) (i32.const 1))
          (then
            (i64.store (local.get $pos) (i64.const 0x0a7075))
            (local.set $pos (i32.add (local.get $pos) (i32.const 3))))
          (else
            (i64.store (local.get $pos) (i64.const 0x0a6e776f64))
            (local.set $pos (i32.add (local.get $pos) (i32.const 5)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $lines)))
    (global.set $outPos (local.get $pos))
    (local.get $k))
)
