;; The project's WebAssembly SIMD128 kernels (src/engine/wasm-module.ts), compiled by
;; scripts/build-wasm.mjs into kernels-wasm.ts: the sparse × dense products of a dense layer on images
;; (src/engine/sparse-dense.ts) and the momentum-SGD update (src/training/sgd.ts). The module has no
;; memory of its own: it works in the memory it is given (the wasm engine's heap, or a private one),
;; and every pointer is a byte offset into it.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; C = 1·biasᵀ + A·B, then max(·, 0) when relu ≠ 0.
  ;; A (M, K) sparse in CSR: rowPtr i32[M + 1] (entry indices), colIdx i32[nnz], vals f32[nnz];
  ;; B (K, N), bias (N), C (M, N): f32, row-major. Every entry of C is bias[j] + Σ_p vals[p]·B[colIdx[p], j]
  ;; summed in the order of p with f32 multiplies and adds, so it does not depend on how the columns
  ;; are blocked. Columns go in blocks of 32 (eight f32x4 accumulators), then
  ;; 4, then 1; the block loop is outside the row loop so that B's column slab stays in cache.
  (func (export "spmm") (param $M i32) (param $N i32)
                        (param $rowPtr i32) (param $colIdx i32) (param $vals i32)
                        (param $B i32) (param $bias i32) (param $relu i32) (param $C i32)
    (local $rowBytes i32) (local $j i32) (local $jEnd i32) (local $i i32) (local $p i32) (local $pEnd i32) (local $w i32) (local $c i32)
    (local $s v128) (local $zero v128) (local $s0 f32)
    (local $a0 v128)
    (local $a1 v128)
    (local $a2 v128)
    (local $a3 v128)
    (local $a4 v128)
    (local $a5 v128)
    (local $a6 v128)
    (local $a7 v128)
    (local.set $rowBytes (i32.shl (local.get $N) (i32.const 2)))
    (local.set $zero (v128.const i32x4 0 0 0 0))
    (local.set $j (i32.const 0))
    (local.set $jEnd (local.get $rowBytes))
    (block $end32
      (loop $cols32
        (br_if $end32 (i32.gt_u (i32.add (local.get $j) (i32.const 128)) (local.get $jEnd)))
        (local.set $i (i32.const 0))
        (block $endRows32
          (loop $rows32
            (br_if $endRows32 (i32.ge_u (local.get $i) (local.get $M)))
            (local.set $w (i32.add (local.get $bias) (local.get $j)))
            (local.set $a0 (v128.load offset=0 (local.get $w)))
            (local.set $a1 (v128.load offset=16 (local.get $w)))
            (local.set $a2 (v128.load offset=32 (local.get $w)))
            (local.set $a3 (v128.load offset=48 (local.get $w)))
            (local.set $a4 (v128.load offset=64 (local.get $w)))
            (local.set $a5 (v128.load offset=80 (local.get $w)))
            (local.set $a6 (v128.load offset=96 (local.get $w)))
            (local.set $a7 (v128.load offset=112 (local.get $w)))
            (local.set $p (i32.load (i32.add (local.get $rowPtr) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $pEnd (i32.load offset=4 (i32.add (local.get $rowPtr) (i32.shl (local.get $i) (i32.const 2)))))
            (block $endNz32
              (loop $nz32
                (br_if $endNz32 (i32.ge_u (local.get $p) (local.get $pEnd)))
                (local.set $s (f32x4.splat (f32.load (i32.add (local.get $vals) (i32.shl (local.get $p) (i32.const 2))))))
                (local.set $w (i32.add (i32.add (local.get $B) (local.get $j))
                                       (i32.mul (i32.load (i32.add (local.get $colIdx) (i32.shl (local.get $p) (i32.const 2)))) (local.get $rowBytes))))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $s) (v128.load offset=0 (local.get $w)))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $s) (v128.load offset=16 (local.get $w)))))
                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $s) (v128.load offset=32 (local.get $w)))))
                (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $s) (v128.load offset=48 (local.get $w)))))
                (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $s) (v128.load offset=64 (local.get $w)))))
                (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $s) (v128.load offset=80 (local.get $w)))))
                (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $s) (v128.load offset=96 (local.get $w)))))
                (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $s) (v128.load offset=112 (local.get $w)))))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $nz32)))
            (if (local.get $relu)
              (then
                (local.set $a0 (f32x4.pmax (local.get $a0) (local.get $zero)))
                (local.set $a1 (f32x4.pmax (local.get $a1) (local.get $zero)))
                (local.set $a2 (f32x4.pmax (local.get $a2) (local.get $zero)))
                (local.set $a3 (f32x4.pmax (local.get $a3) (local.get $zero)))
                (local.set $a4 (f32x4.pmax (local.get $a4) (local.get $zero)))
                (local.set $a5 (f32x4.pmax (local.get $a5) (local.get $zero)))
                (local.set $a6 (f32x4.pmax (local.get $a6) (local.get $zero)))
                (local.set $a7 (f32x4.pmax (local.get $a7) (local.get $zero)))))
            (local.set $c (i32.add (i32.add (local.get $C) (local.get $j)) (i32.mul (local.get $i) (local.get $rowBytes))))
            (v128.store offset=0 (local.get $c) (local.get $a0))
            (v128.store offset=16 (local.get $c) (local.get $a1))
            (v128.store offset=32 (local.get $c) (local.get $a2))
            (v128.store offset=48 (local.get $c) (local.get $a3))
            (v128.store offset=64 (local.get $c) (local.get $a4))
            (v128.store offset=80 (local.get $c) (local.get $a5))
            (v128.store offset=96 (local.get $c) (local.get $a6))
            (v128.store offset=112 (local.get $c) (local.get $a7))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rows32)))
        (local.set $j (i32.add (local.get $j) (i32.const 128)))
        (br $cols32)))
    (block $end4
      (loop $cols4
        (br_if $end4 (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $jEnd)))
        (local.set $i (i32.const 0))
        (block $endRows4
          (loop $rows4
            (br_if $endRows4 (i32.ge_u (local.get $i) (local.get $M)))
            (local.set $w (i32.add (local.get $bias) (local.get $j)))
            (local.set $a0 (v128.load offset=0 (local.get $w)))
            (local.set $p (i32.load (i32.add (local.get $rowPtr) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $pEnd (i32.load offset=4 (i32.add (local.get $rowPtr) (i32.shl (local.get $i) (i32.const 2)))))
            (block $endNz4
              (loop $nz4
                (br_if $endNz4 (i32.ge_u (local.get $p) (local.get $pEnd)))
                (local.set $s (f32x4.splat (f32.load (i32.add (local.get $vals) (i32.shl (local.get $p) (i32.const 2))))))
                (local.set $w (i32.add (i32.add (local.get $B) (local.get $j))
                                       (i32.mul (i32.load (i32.add (local.get $colIdx) (i32.shl (local.get $p) (i32.const 2)))) (local.get $rowBytes))))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $s) (v128.load offset=0 (local.get $w)))))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $nz4)))
            (if (local.get $relu)
              (then
                (local.set $a0 (f32x4.pmax (local.get $a0) (local.get $zero)))))
            (local.set $c (i32.add (i32.add (local.get $C) (local.get $j)) (i32.mul (local.get $i) (local.get $rowBytes))))
            (v128.store offset=0 (local.get $c) (local.get $a0))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rows4)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $cols4)))
    (block $end1
      (loop $cols1
        (br_if $end1 (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $jEnd)))
        (local.set $i (i32.const 0))
        (block $endRows1
          (loop $rows1
            (br_if $endRows1 (i32.ge_u (local.get $i) (local.get $M)))
            (local.set $s0 (f32.load (i32.add (local.get $bias) (local.get $j))))
            (local.set $p (i32.load (i32.add (local.get $rowPtr) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $pEnd (i32.load offset=4 (i32.add (local.get $rowPtr) (i32.shl (local.get $i) (i32.const 2)))))
            (block $endNz1
              (loop $nz1
                (br_if $endNz1 (i32.ge_u (local.get $p) (local.get $pEnd)))
                (local.set $w (i32.add (i32.add (local.get $B) (local.get $j))
                                       (i32.mul (i32.load (i32.add (local.get $colIdx) (i32.shl (local.get $p) (i32.const 2)))) (local.get $rowBytes))))
                (local.set $s0 (f32.add (local.get $s0) (f32.mul (f32.load (i32.add (local.get $vals) (i32.shl (local.get $p) (i32.const 2))))
                                                                 (f32.load (local.get $w)))))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $nz1)))
            (if (local.get $relu) (then (if (f32.lt (local.get $s0) (f32.const 0)) (then (local.set $s0 (f32.const 0))))))
            (f32.store (i32.add (i32.add (local.get $C) (local.get $j)) (i32.mul (local.get $i) (local.get $rowBytes))) (local.get $s0))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rows1)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $cols1)))
  )

  ;; out[j] = Σ_k B[k, j] over the K rows of B (K, N), in the order of k (f32).
  (func (export "colsum") (param $K i32) (param $N i32) (param $B i32) (param $out i32)
    (local $rowBytes i32) (local $vecBytes i32) (local $k i32) (local $j i32) (local $row i32)
    (local.set $rowBytes (i32.shl (local.get $N) (i32.const 2)))
    (local.set $vecBytes (i32.and (local.get $rowBytes) (i32.const -16)))
    (local.set $j (i32.const 0))
    (block $endZero
      (loop $zero
        (br_if $endZero (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (f32.store (i32.add (local.get $out) (local.get $j)) (f32.const 0))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $zero)))
    (local.set $k (i32.const 0))
    (block $endRows
      (loop $rows
        (br_if $endRows (i32.ge_u (local.get $k) (local.get $K)))
        (local.set $row (i32.add (local.get $B) (i32.mul (local.get $k) (local.get $rowBytes))))
        (local.set $j (i32.const 0))
        (block $endVec
          (loop $vec
            (br_if $endVec (i32.ge_u (local.get $j) (local.get $vecBytes)))
            (v128.store (i32.add (local.get $out) (local.get $j))
                        (f32x4.add (v128.load (i32.add (local.get $out) (local.get $j)))
                                   (v128.load (i32.add (local.get $row) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $vec)))
        (block $endTail
          (loop $tail
            (br_if $endTail (i32.ge_u (local.get $j) (local.get $rowBytes)))
            (f32.store (i32.add (local.get $out) (local.get $j))
                       (f32.add (f32.load (i32.add (local.get $out) (local.get $j)))
                                (f32.load (i32.add (local.get $row) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $tail)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rows))))

  ;; min, max and NaN of the n entries of x in one pass (n ≥ 1): returns 1 when an entry is NaN (then
  ;; what it stores means nothing), else 0 with min x stored at out and max x at out + 4 (f32). pmin and
  ;; pmax are one instruction each where min/max's NaN rules take several; NaN is counted on its own.
  (func (export "range") (param $n i32) (param $x i32) (param $out i32) (result i32)
    (local $lo v128) (local $hi v128) (local $nan v128) (local $v v128) (local $i i32) (local $end i32)
    (local $l f32) (local $h f32) (local $s f32) (local $isNan i32)
    (local.set $lo (f32x4.splat (f32.load (local.get $x))))
    (local.set $hi (local.get $lo))
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $endVec
      (loop $vec
        (br_if $endVec (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $lo (f32x4.pmin (local.get $lo) (local.get $v)))
        (local.set $hi (f32x4.pmax (local.get $hi) (local.get $v)))
        (local.set $nan (v128.or (local.get $nan) (f32x4.ne (local.get $v) (local.get $v))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vec)))
    (local.set $isNan (v128.any_true (local.get $nan)))
    (local.set $l (f32.min (f32.min (f32x4.extract_lane 0 (local.get $lo)) (f32x4.extract_lane 1 (local.get $lo)))
                           (f32.min (f32x4.extract_lane 2 (local.get $lo)) (f32x4.extract_lane 3 (local.get $lo)))))
    (local.set $h (f32.max (f32.max (f32x4.extract_lane 0 (local.get $hi)) (f32x4.extract_lane 1 (local.get $hi)))
                           (f32.max (f32x4.extract_lane 2 (local.get $hi)) (f32x4.extract_lane 3 (local.get $hi)))))
    (block $endTail
      (loop $tail
        (br_if $endTail (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $isNan (i32.or (local.get $isNan) (f32.ne (local.get $s) (local.get $s))))
        (if (f32.lt (local.get $s) (local.get $l)) (then (local.set $l (local.get $s))))
        (if (f32.gt (local.get $s) (local.get $h)) (then (local.set $h (local.get $s))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail)))
    (f32.store (local.get $out) (local.get $l))
    (f32.store offset=4 (local.get $out) (local.get $h))
    (local.get $isNan))

  ;; CSR of x − v0 for x (M, K): the entries that differ from v0 (NaN included), row by row, columns
  ;; ascending. Branch-free: every entry is written at slot p and p advances only for kept ones, so
  ;; colIdx and vals need room for max + K entries. Returns nnz, or −1 as soon as a row ends with
  ;; more than max entries kept.
  (func (export "csr") (param $M i32) (param $K i32) (param $x i32) (param $v0 f32)
                       (param $rowPtr i32) (param $colIdx i32) (param $vals i32) (param $max i32) (result i32)
    (local $i i32) (local $k i32) (local $p i32) (local $v f32) (local $at i32)
    (local.set $at (local.get $x))
    (local.set $i (i32.const 0))
    (block $endRows
      (loop $rows
        (br_if $endRows (i32.ge_u (local.get $i) (local.get $M)))
        (i32.store (i32.add (local.get $rowPtr) (i32.shl (local.get $i) (i32.const 2))) (local.get $p))
        (local.set $k (i32.const 0))
        (block $endCols
          (loop $cols
            (br_if $endCols (i32.ge_u (local.get $k) (local.get $K)))
            (local.set $v (f32.load (local.get $at)))
            (i32.store (i32.add (local.get $colIdx) (i32.shl (local.get $p) (i32.const 2))) (local.get $k))
            (f32.store (i32.add (local.get $vals) (i32.shl (local.get $p) (i32.const 2))) (f32.sub (local.get $v) (local.get $v0)))
            (local.set $p (i32.add (local.get $p) (f32.ne (local.get $v) (local.get $v0))))
            (local.set $at (i32.add (local.get $at) (i32.const 4)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $cols)))
        (if (i32.gt_u (local.get $p) (local.get $max)) (then (return (i32.const -1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
    (i32.store (i32.add (local.get $rowPtr) (i32.shl (local.get $M) (i32.const 2))) (local.get $p))
    (local.get $p))

  ;; The transpose of a CSR matrix (M, K) as a CSR matrix (K, M) — a counting sort of the entries by
  ;; column, stable, so each new row's entries keep ascending original rows. colPtr needs K + 1 slots.
  (func (export "transpose") (param $M i32) (param $K i32) (param $rowPtr i32) (param $colIdx i32) (param $vals i32)
                             (param $colPtr i32) (param $rowIdx i32) (param $valsT i32)
    (local $nnz i32) (local $p i32) (local $k i32) (local $i i32) (local $end i32) (local $slot i32) (local $sum i32) (local $c i32)
    (local.set $nnz (i32.load (i32.add (local.get $rowPtr) (i32.shl (local.get $M) (i32.const 2)))))
    ;; colPtr[k + 1] = count of column k
    (local.set $k (i32.const 0))
    (block $endZero
      (loop $zero
        (br_if $endZero (i32.gt_u (local.get $k) (local.get $K)))
        (i32.store (i32.add (local.get $colPtr) (i32.shl (local.get $k) (i32.const 2))) (i32.const 0))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $zero)))
    (local.set $p (i32.const 0))
    (block $endCount
      (loop $count
        (br_if $endCount (i32.ge_u (local.get $p) (local.get $nnz)))
        (local.set $slot (i32.add (local.get $colPtr)
                                  (i32.shl (i32.add (i32.load (i32.add (local.get $colIdx) (i32.shl (local.get $p) (i32.const 2)))) (i32.const 1)) (i32.const 2))))
        (i32.store (local.get $slot) (i32.add (i32.load (local.get $slot)) (i32.const 1)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $count)))
    ;; prefix sums: colPtr[k] = first slot of column k
    (local.set $sum (i32.const 0))
    (local.set $k (i32.const 0))
    (block $endScan
      (loop $scan
        (br_if $endScan (i32.gt_u (local.get $k) (local.get $K)))
        (local.set $slot (i32.add (local.get $colPtr) (i32.shl (local.get $k) (i32.const 2))))
        (local.set $sum (i32.add (local.get $sum) (i32.load (local.get $slot))))
        (i32.store (local.get $slot) (local.get $sum))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $scan)))
    ;; place the entries row by row; colPtr[c] is column c's next free slot, and ends as its end
    (local.set $i (i32.const 0))
    (block $endRows
      (loop $rows
        (br_if $endRows (i32.ge_u (local.get $i) (local.get $M)))
        (local.set $p (i32.load (i32.add (local.get $rowPtr) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $end (i32.load offset=4 (i32.add (local.get $rowPtr) (i32.shl (local.get $i) (i32.const 2)))))
        (block $endEntries
          (loop $entries
            (br_if $endEntries (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $c (i32.load (i32.add (local.get $colIdx) (i32.shl (local.get $p) (i32.const 2)))))
            (local.set $slot (i32.add (local.get $colPtr) (i32.shl (local.get $c) (i32.const 2))))
            (local.set $k (i32.load (local.get $slot)))
            (i32.store (i32.add (local.get $rowIdx) (i32.shl (local.get $k) (i32.const 2))) (local.get $i))
            (f32.store (i32.add (local.get $valsT) (i32.shl (local.get $k) (i32.const 2)))
                       (f32.load (i32.add (local.get $vals) (i32.shl (local.get $p) (i32.const 2)))))
            (i32.store (local.get $slot) (i32.add (local.get $k) (i32.const 1)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $entries)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
    ;; colPtr[c] now holds column c's end = column c + 1's start: shift right by one, colPtr[0] = 0
    (local.set $k (local.get $K))
    (block $endShift
      (loop $shift
        (br_if $endShift (i32.eqz (local.get $k)))
        (i32.store (i32.add (local.get $colPtr) (i32.shl (local.get $k) (i32.const 2)))
                   (i32.load (i32.add (local.get $colPtr) (i32.shl (i32.sub (local.get $k) (i32.const 1)) (i32.const 2)))))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (br $shift)))
    (i32.store (local.get $colPtr) (i32.const 0)))

  ;; ∂x of a max-pool for the images from … to − 1 (src/engine/js-kernels.ts runs it on its threads):
  ;; dx is zeroed there, then each window's dy goes, per channel, to the window's FIRST maximum of x
  ;; (row-major window order; a running max from −∞ that only a strictly greater value replaces, so a
  ;; NaN is never the maximum and a window of −∞ alone passes nothing), windows in row-major order —
  ;; as the cpu backend does. x, dx (N, H, W, C) and dy (N, OH, OW, C) at byte offsets; four channels
  ;; at a time (f32x4 compare and select), the rest one by one.
  (func (export "maxPoolGrad") (param $x i32) (param $dy i32) (param $dx i32) (param $from i32) (param $to i32)
                               (param $H i32) (param $W i32) (param $C i32) (param $OH i32) (param $OW i32)
                               (param $sH i32) (param $sW i32) (param $FH i32) (param $FW i32) (param $pt i32) (param $pl i32)
    (local $n i32) (local $i i32) (local $j i32) (local $r i32) (local $q i32) (local $c i32) (local $C4 i32)
    (local $rLo i32) (local $rHi i32) (local $qLo i32) (local $qHi i32) (local $t i32)
    (local $g i32) (local $k i32) (local $a i32) (local $img i32)
    (local $best v128) (local $at v128) (local $v v128) (local $gt v128) (local $lanes v128)
    (local $bs f32) (local $vs f32) (local $as i32)
    (local.set $img (i32.mul (i32.mul (local.get $H) (local.get $W)) (local.get $C)))
    (memory.fill (i32.add (local.get $dx) (i32.shl (i32.mul (local.get $from) (local.get $img)) (i32.const 2)))
                 (i32.const 0)
                 (i32.shl (i32.mul (i32.sub (local.get $to) (local.get $from)) (local.get $img)) (i32.const 2)))
    (local.set $C4 (i32.and (local.get $C) (i32.const -4)))
    (local.set $lanes (v128.const i32x4 0 1 2 3))
    (local.set $n (local.get $from))
    (block $endN (loop $imgs
      (br_if $endN (i32.ge_s (local.get $n) (local.get $to)))
      (local.set $i (i32.const 0))
      (block $endI (loop $rows
        (br_if $endI (i32.ge_s (local.get $i) (local.get $OH)))
        (local.set $t (i32.sub (i32.mul (local.get $i) (local.get $sH)) (local.get $pt)))
        (local.set $rLo (select (local.get $t) (i32.const 0) (i32.gt_s (local.get $t) (i32.const 0))))
        (local.set $t (i32.add (local.get $t) (local.get $FH)))
        (local.set $rHi (select (local.get $t) (local.get $H) (i32.lt_s (local.get $t) (local.get $H))))
        (local.set $j (i32.const 0))
        (block $endJ (loop $cols
          (br_if $endJ (i32.ge_s (local.get $j) (local.get $OW)))
          (local.set $t (i32.sub (i32.mul (local.get $j) (local.get $sW)) (local.get $pl)))
          (local.set $qLo (select (local.get $t) (i32.const 0) (i32.gt_s (local.get $t) (i32.const 0))))
          (local.set $t (i32.add (local.get $t) (local.get $FW)))
          (local.set $qHi (select (local.get $t) (local.get $W) (i32.lt_s (local.get $t) (local.get $W))))
          (if (i32.and (i32.lt_s (local.get $rLo) (local.get $rHi)) (i32.lt_s (local.get $qLo) (local.get $qHi)))
            (then
              ;; g: byte address of dy[n, i, j, 0]
              (local.set $g (i32.add (local.get $dy)
                (i32.shl (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $OH)) (local.get $i)) (local.get $OW)) (local.get $j)) (local.get $C)) (i32.const 2))))
              (local.set $c (i32.const 0))
              (block $endVec (loop $vec
                (br_if $endVec (i32.ge_s (local.get $c) (local.get $C4)))
                (local.set $best (f32x4.splat (f32.const -inf)))
                (local.set $at (i32x4.splat (i32.const -1)))
                (local.set $r (local.get $rLo))
                (block $endR (loop $wr
                  (br_if $endR (i32.ge_s (local.get $r) (local.get $rHi)))
                  (local.set $q (local.get $qLo))
                  (block $endQ (loop $wq
                    (br_if $endQ (i32.ge_s (local.get $q) (local.get $qHi)))
                    ;; k: element index of x[n, r, q, c]
                    (local.set $k (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $H)) (local.get $r)) (local.get $W)) (local.get $q)) (local.get $C)) (local.get $c)))
                    (local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 2)))))
                    (local.set $gt (f32x4.gt (local.get $v) (local.get $best)))
                    (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $gt)))
                    (local.set $at (v128.bitselect (i32x4.add (i32x4.splat (local.get $k)) (local.get $lanes)) (local.get $at) (local.get $gt)))
                    (local.set $q (i32.add (local.get $q) (i32.const 1)))
                    (br $wq)))
                  (local.set $r (i32.add (local.get $r) (i32.const 1)))
                  (br $wr)))
                (local.set $a (i32x4.extract_lane 0 (local.get $at)))
                (if (i32.ge_s (local.get $a) (i32.const 0)) (then
                  (local.set $a (i32.add (local.get $dx) (i32.shl (local.get $a) (i32.const 2))))
                  (f32.store (local.get $a) (f32.add (f32.load (local.get $a)) (f32.load offset=0 (i32.add (local.get $g) (i32.shl (local.get $c) (i32.const 2))))))))
                (local.set $a (i32x4.extract_lane 1 (local.get $at)))
                (if (i32.ge_s (local.get $a) (i32.const 0)) (then
                  (local.set $a (i32.add (local.get $dx) (i32.shl (local.get $a) (i32.const 2))))
                  (f32.store (local.get $a) (f32.add (f32.load (local.get $a)) (f32.load offset=4 (i32.add (local.get $g) (i32.shl (local.get $c) (i32.const 2))))))))
                (local.set $a (i32x4.extract_lane 2 (local.get $at)))
                (if (i32.ge_s (local.get $a) (i32.const 0)) (then
                  (local.set $a (i32.add (local.get $dx) (i32.shl (local.get $a) (i32.const 2))))
                  (f32.store (local.get $a) (f32.add (f32.load (local.get $a)) (f32.load offset=8 (i32.add (local.get $g) (i32.shl (local.get $c) (i32.const 2))))))))
                (local.set $a (i32x4.extract_lane 3 (local.get $at)))
                (if (i32.ge_s (local.get $a) (i32.const 0)) (then
                  (local.set $a (i32.add (local.get $dx) (i32.shl (local.get $a) (i32.const 2))))
                  (f32.store (local.get $a) (f32.add (f32.load (local.get $a)) (f32.load offset=12 (i32.add (local.get $g) (i32.shl (local.get $c) (i32.const 2))))))))
                (local.set $c (i32.add (local.get $c) (i32.const 4)))
                (br $vec)))
              ;; the channels past the last multiple of 4, one at a time
              (block $endTail (loop $tail
                (br_if $endTail (i32.ge_s (local.get $c) (local.get $C)))
                (local.set $bs (f32.const -inf))
                (local.set $as (i32.const -1))
                (local.set $r (local.get $rLo))
                (block $endR1 (loop $wr1
                  (br_if $endR1 (i32.ge_s (local.get $r) (local.get $rHi)))
                  (local.set $q (local.get $qLo))
                  (block $endQ1 (loop $wq1
                    (br_if $endQ1 (i32.ge_s (local.get $q) (local.get $qHi)))
                    (local.set $k (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $H)) (local.get $r)) (local.get $W)) (local.get $q)) (local.get $C)) (local.get $c)))
                    (local.set $vs (f32.load (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 2)))))
                    (if (f32.gt (local.get $vs) (local.get $bs)) (then (local.set $bs (local.get $vs)) (local.set $as (local.get $k))))
                    (local.set $q (i32.add (local.get $q) (i32.const 1)))
                    (br $wq1)))
                  (local.set $r (i32.add (local.get $r) (i32.const 1)))
                  (br $wr1)))
                (if (i32.ge_s (local.get $as) (i32.const 0)) (then
                  (local.set $a (i32.add (local.get $dx) (i32.shl (local.get $as) (i32.const 2))))
                  (f32.store (local.get $a) (f32.add (f32.load (local.get $a)) (f32.load (i32.add (local.get $g) (i32.shl (local.get $c) (i32.const 2))))))))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br $tail)))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $imgs))))

  ;; dst[c] = Σ_r src[r, c] for the columns from … to − 1 of src (rows, cols) — a sum over leading
  ;; axes, e.g. a bias gradient (src/engine/js-kernels.ts sumLeading runs it on its threads). Each column
  ;; is summed in float64 in row order (the value the JavaScript loop it replaces gives, bit for bit),
  ;; then stored as float32; sixteen columns at a time (eight f64x2 sums), then four, then one.
  (func (export "sumLeading") (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32) (param $from i32) (param $to i32)
    (local $c i32) (local $r i32) (local $p i32) (local $o i32) (local $stride i32) (local $v v128) (local $t f64)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $s4 v128) (local $s5 v128) (local $s6 v128) (local $s7 v128)
    (local.set $stride (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $c (local.get $from))
    (block $end16 (loop $cols16
      (br_if $end16 (i32.gt_s (i32.add (local.get $c) (i32.const 16)) (local.get $to)))
        (local.set $s0 (f64x2.splat (f64.const 0)))
        (local.set $s1 (f64x2.splat (f64.const 0)))
        (local.set $s2 (f64x2.splat (f64.const 0)))
        (local.set $s3 (f64x2.splat (f64.const 0)))
        (local.set $s4 (f64x2.splat (f64.const 0)))
        (local.set $s5 (f64x2.splat (f64.const 0)))
        (local.set $s6 (f64x2.splat (f64.const 0)))
        (local.set $s7 (f64x2.splat (f64.const 0)))
      (local.set $p (i32.add (local.get $src) (i32.shl (local.get $c) (i32.const 2))))
      (local.set $r (i32.const 0))
      (block $endR (loop $rows
        (br_if $endR (i32.ge_s (local.get $r) (local.get $rows)))
            (local.set $v (v128.load offset=0 (local.get $p)))
            (local.set $s0 (f64x2.add (local.get $s0) (f64x2.promote_low_f32x4 (local.get $v))))
            (local.set $s1 (f64x2.add (local.get $s1) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
            (local.set $v (v128.load offset=16 (local.get $p)))
            (local.set $s2 (f64x2.add (local.get $s2) (f64x2.promote_low_f32x4 (local.get $v))))
            (local.set $s3 (f64x2.add (local.get $s3) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
            (local.set $v (v128.load offset=32 (local.get $p)))
            (local.set $s4 (f64x2.add (local.get $s4) (f64x2.promote_low_f32x4 (local.get $v))))
            (local.set $s5 (f64x2.add (local.get $s5) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
            (local.set $v (v128.load offset=48 (local.get $p)))
            (local.set $s6 (f64x2.add (local.get $s6) (f64x2.promote_low_f32x4 (local.get $v))))
            (local.set $s7 (f64x2.add (local.get $s7) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $p (i32.add (local.get $p) (local.get $stride)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows)))
      (local.set $o (i32.add (local.get $dst) (i32.shl (local.get $c) (i32.const 2))))
        (v128.store offset=0 (local.get $o)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (f32x4.demote_f64x2_zero (local.get $s0)) (f32x4.demote_f64x2_zero (local.get $s1))))
        (v128.store offset=16 (local.get $o)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (f32x4.demote_f64x2_zero (local.get $s2)) (f32x4.demote_f64x2_zero (local.get $s3))))
        (v128.store offset=32 (local.get $o)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (f32x4.demote_f64x2_zero (local.get $s4)) (f32x4.demote_f64x2_zero (local.get $s5))))
        (v128.store offset=48 (local.get $o)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (f32x4.demote_f64x2_zero (local.get $s6)) (f32x4.demote_f64x2_zero (local.get $s7))))
      (local.set $c (i32.add (local.get $c) (i32.const 16)))
      (br $cols16)))
    (block $end4 (loop $cols4
      (br_if $end4 (i32.gt_s (i32.add (local.get $c) (i32.const 4)) (local.get $to)))
      (local.set $s0 (f64x2.splat (f64.const 0)))
      (local.set $s1 (f64x2.splat (f64.const 0)))
      (local.set $p (i32.add (local.get $src) (i32.shl (local.get $c) (i32.const 2))))
      (local.set $r (i32.const 0))
      (block $endR4 (loop $rows4
        (br_if $endR4 (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $v (v128.load (local.get $p)))
        (local.set $s0 (f64x2.add (local.get $s0) (f64x2.promote_low_f32x4 (local.get $v))))
        (local.set $s1 (f64x2.add (local.get $s1) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $p (i32.add (local.get $p) (local.get $stride)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows4)))
      (v128.store (i32.add (local.get $dst) (i32.shl (local.get $c) (i32.const 2)))
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (f32x4.demote_f64x2_zero (local.get $s0)) (f32x4.demote_f64x2_zero (local.get $s1))))
      (local.set $c (i32.add (local.get $c) (i32.const 4)))
      (br $cols4)))
    (block $end1 (loop $cols1
      (br_if $end1 (i32.ge_s (local.get $c) (local.get $to)))
      (local.set $t (f64.const 0))
      (local.set $p (i32.add (local.get $src) (i32.shl (local.get $c) (i32.const 2))))
      (local.set $r (i32.const 0))
      (block $endR1 (loop $rows1
        (br_if $endR1 (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $t (f64.add (local.get $t) (f64.promote_f32 (f32.load (local.get $p)))))
        (local.set $p (i32.add (local.get $p) (local.get $stride)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows1)))
      (f32.store (i32.add (local.get $dst) (i32.shl (local.get $c) (i32.const 2))) (f32.demote_f64 (local.get $t)))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $cols1))))

  ;; n^(−β) for β = 3/4 (mode 0: 1/(√n·√√n)) or β = 1/2 (mode 1: 1/√n), in float64 — as negPow in
  ;; src/engine/js-kernels.ts computes it, bit for bit.
  (func $negPow (param $n f64) (param $mode i32) (result f64)
    (local $q f64)
    (local.set $q (f64.sqrt (local.get $n)))
    (if (result f64) (local.get $mode)
      (then (f64.div (f64.const 1) (local.get $q)))
      (else (f64.div (f64.const 1) (f64.mul (local.get $q) (f64.sqrt (local.get $q)))))))

  (func $negPow2 (param $n v128) (param $mode i32) (result v128)
    (local $q v128)
    (local.set $q (f64x2.sqrt (local.get $n)))
    (if (result v128) (local.get $mode)
      (then (f64x2.div (f64x2.splat (f64.const 1)) (local.get $q)))
      (else (f64x2.div (f64x2.splat (f64.const 1)) (f64x2.mul (local.get $q) (f64x2.sqrt (local.get $q)))))))

  ;; prefix[c] = Σ_{c' < c} x[c']² (float64) for one pixel's C channels at byte x; prefix (C + 1 f64) at
  ;; byte p. Then norm[c] = bias + α·(prefix[min(C, c + r + 1)] − prefix[max(0, c − r)]) at byte nrm.
  (func $windowNorms (param $x i32) (param $C i32) (param $r i32) (param $bias f64) (param $alpha f64) (param $p i32) (param $nrm i32)
    (local $c i32) (local $acc f64) (local $v f64) (local $lo i32) (local $hi i32) (local $end i32)
    (f64.store (local.get $p) (f64.const 0))
    (block $endSq (loop $sq
      (br_if $endSq (i32.ge_s (local.get $c) (local.get $C)))
      (local.set $v (f64.promote_f32 (f32.load (i32.add (local.get $x) (i32.shl (local.get $c) (i32.const 2))))))
      (local.set $acc (f64.add (local.get $acc) (f64.mul (local.get $v) (local.get $v))))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (f64.store (i32.add (local.get $p) (i32.shl (local.get $c) (i32.const 3))) (local.get $acc))
      (br $sq)))
    ;; the channels whose window is not clipped, two at a time: c − r ≥ 0 and c + 1 + r + 1 ≤ C
    (local.set $c (i32.const 0))
    (local.set $end (i32.sub (i32.sub (local.get $C) (local.get $r)) (i32.const 1)))
    (block $endAll (loop $all
      (br_if $endAll (i32.ge_s (local.get $c) (local.get $C)))
      (if (i32.and (i32.ge_s (local.get $c) (local.get $r)) (i32.lt_s (i32.add (local.get $c) (i32.const 1)) (local.get $end)))
        (then
          (v128.store (i32.add (local.get $nrm) (i32.shl (local.get $c) (i32.const 3)))
            (f64x2.add (f64x2.splat (local.get $bias))
              (f64x2.mul (f64x2.splat (local.get $alpha))
                (f64x2.sub (v128.load (i32.add (local.get $p) (i32.shl (i32.add (i32.add (local.get $c) (local.get $r)) (i32.const 1)) (i32.const 3))))
                           (v128.load (i32.add (local.get $p) (i32.shl (i32.sub (local.get $c) (local.get $r)) (i32.const 3))))))))
          (local.set $c (i32.add (local.get $c) (i32.const 2))))
        (else
          (local.set $hi (i32.add (i32.add (local.get $c) (local.get $r)) (i32.const 1)))
          (local.set $hi (select (local.get $hi) (local.get $C) (i32.lt_s (local.get $hi) (local.get $C))))
          (local.set $lo (i32.sub (local.get $c) (local.get $r)))
          (local.set $lo (select (local.get $lo) (i32.const 0) (i32.gt_s (local.get $lo) (i32.const 0))))
          (f64.store (i32.add (local.get $nrm) (i32.shl (local.get $c) (i32.const 3)))
            (f64.add (local.get $bias) (f64.mul (local.get $alpha)
              (f64.sub (f64.load (i32.add (local.get $p) (i32.shl (local.get $hi) (i32.const 3))))
                       (f64.load (i32.add (local.get $p) (i32.shl (local.get $lo) (i32.const 3))))))))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))))
      (br $all))))

  ;; Local response normalisation over the pixels from … to − 1 of x, y (pixels, C) at byte offsets:
  ;; y_c = x_c·n_c^(−β) with n as $windowNorms, β by mode ($negPow); float64 as the JavaScript kernel
  ;; lrn (src/engine/js-kernels.ts), bit for bit. scratch: 2C + 1 f64 of this thread's own.
  (func (export "lrn") (param $x i32) (param $y i32) (param $from i32) (param $to i32) (param $C i32) (param $r i32)
                       (param $bias f64) (param $alpha f64) (param $mode i32) (param $scratch i32)
    (local $px i32) (local $c i32) (local $xb i32) (local $yb i32) (local $nrm i32) (local $C2 i32)
    (local.set $nrm (i32.add (local.get $scratch) (i32.shl (i32.add (local.get $C) (i32.const 1)) (i32.const 3))))
    (local.set $C2 (i32.and (local.get $C) (i32.const -2)))
    (local.set $px (local.get $from))
    (block $endPx (loop $pixels
      (br_if $endPx (i32.ge_s (local.get $px) (local.get $to)))
      (local.set $xb (i32.add (local.get $x) (i32.shl (i32.mul (local.get $px) (local.get $C)) (i32.const 2))))
      (local.set $yb (i32.add (local.get $y) (i32.shl (i32.mul (local.get $px) (local.get $C)) (i32.const 2))))
      (call $windowNorms (local.get $xb) (local.get $C) (local.get $r) (local.get $bias) (local.get $alpha) (local.get $scratch) (local.get $nrm))
      (local.set $c (i32.const 0))
      (block $end2 (loop $two
        (br_if $end2 (i32.ge_s (local.get $c) (local.get $C2)))
        (v128.store64_lane 0 (i32.add (local.get $yb) (i32.shl (local.get $c) (i32.const 2)))
          (f32x4.demote_f64x2_zero
            (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $xb) (i32.shl (local.get $c) (i32.const 2)))))
                       (call $negPow2 (v128.load (i32.add (local.get $nrm) (i32.shl (local.get $c) (i32.const 3)))) (local.get $mode)))))
        (local.set $c (i32.add (local.get $c) (i32.const 2)))
        (br $two)))
      (if (i32.lt_s (local.get $c) (local.get $C)) (then
        (f32.store (i32.add (local.get $yb) (i32.shl (local.get $c) (i32.const 2)))
          (f32.demote_f64 (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $xb) (i32.shl (local.get $c) (i32.const 2)))))
                                   (call $negPow (f64.load (i32.add (local.get $nrm) (i32.shl (local.get $c) (i32.const 3)))) (local.get $mode)))))))
      (local.set $px (i32.add (local.get $px) (i32.const 1)))
      (br $pixels))))

  ;; Its gradient for the pixels from … to − 1: with t_o = dy_o·y_o/n_o, dx_c = dy_c·n_c^(−β) −
  ;; 2αβ·x_c·Σ_{|o−c|≤r} t_o, as the JavaScript kernel lrnGrad computes it (float64, prefix sums of t,
  ;; the same order of operations), bit for bit. beta2 = 2·α·β as JavaScript evaluates it left to right.
  ;; scratch: 3C + 2 f64 of this thread's own.
  (func (export "lrnGrad") (param $x i32) (param $y i32) (param $dy i32) (param $dx i32) (param $from i32) (param $to i32)
                           (param $C i32) (param $r i32) (param $bias f64) (param $alpha f64) (param $ab2 f64) (param $mode i32) (param $scratch i32)
    (local $px i32) (local $c i32) (local $off i32) (local $nrm i32) (local $tp i32) (local $acc f64)
    (local $lo i32) (local $hi i32) (local $win f64)
    (local.set $nrm (i32.add (local.get $scratch) (i32.shl (i32.add (local.get $C) (i32.const 1)) (i32.const 3))))
    (local.set $tp (i32.add (local.get $nrm) (i32.shl (local.get $C) (i32.const 3))))
    (local.set $px (local.get $from))
    (block $endPx (loop $pixels
      (br_if $endPx (i32.ge_s (local.get $px) (local.get $to)))
      (local.set $off (i32.shl (i32.mul (local.get $px) (local.get $C)) (i32.const 2)))
      (call $windowNorms (i32.add (local.get $x) (local.get $off)) (local.get $C) (local.get $r) (local.get $bias) (local.get $alpha) (local.get $scratch) (local.get $nrm))
      ;; tPrefix[c + 1] = tPrefix[c] + (dy_c·y_c)/n_c
      (local.set $acc (f64.const 0))
      (f64.store (local.get $tp) (f64.const 0))
      (local.set $c (i32.const 0))
      (block $endT (loop $ts
        (br_if $endT (i32.ge_s (local.get $c) (local.get $C)))
        (local.set $acc (f64.add (local.get $acc)
          (f64.div (f64.mul (f64.promote_f32 (f32.load (i32.add (i32.add (local.get $dy) (local.get $off)) (i32.shl (local.get $c) (i32.const 2)))))
                            (f64.promote_f32 (f32.load (i32.add (i32.add (local.get $y) (local.get $off)) (i32.shl (local.get $c) (i32.const 2))))))
                   (f64.load (i32.add (local.get $nrm) (i32.shl (local.get $c) (i32.const 3)))))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (f64.store (i32.add (local.get $tp) (i32.shl (local.get $c) (i32.const 3))) (local.get $acc))
        (br $ts)))
      (local.set $c (i32.const 0))
      (block $endC (loop $chans
        (br_if $endC (i32.ge_s (local.get $c) (local.get $C)))
        (local.set $hi (i32.add (i32.add (local.get $c) (local.get $r)) (i32.const 1)))
        (local.set $hi (select (local.get $hi) (local.get $C) (i32.lt_s (local.get $hi) (local.get $C))))
        (local.set $lo (i32.sub (local.get $c) (local.get $r)))
        (local.set $lo (select (local.get $lo) (i32.const 0) (i32.gt_s (local.get $lo) (i32.const 0))))
        (local.set $win (f64.sub (f64.load (i32.add (local.get $tp) (i32.shl (local.get $hi) (i32.const 3))))
                                 (f64.load (i32.add (local.get $tp) (i32.shl (local.get $lo) (i32.const 3))))))
        (f32.store (i32.add (i32.add (local.get $dx) (local.get $off)) (i32.shl (local.get $c) (i32.const 2)))
          (f32.demote_f64
            (f64.sub
              (f64.mul (f64.promote_f32 (f32.load (i32.add (i32.add (local.get $dy) (local.get $off)) (i32.shl (local.get $c) (i32.const 2)))))
                       (call $negPow (f64.load (i32.add (local.get $nrm) (i32.shl (local.get $c) (i32.const 3)))) (local.get $mode)))
              (f64.mul (f64.mul (local.get $ab2) (f64.promote_f32 (f32.load (i32.add (i32.add (local.get $x) (local.get $off)) (i32.shl (local.get $c) (i32.const 2))))))
                       (local.get $win)))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $chans)))
      (local.set $px (i32.add (local.get $px) (i32.const 1)))
      (br $pixels))))

  ;; One step of SGD with momentum over n parameters (src/training/sgd.ts), in the order and float32
  ;; roundings of its tfjs ops: g' = g + w·λ (when decay ≠ 0), v' = v·μ + g', w' = w − v'·η.
  (func (export "momentum") (param $n i32) (param $w i32) (param $v i32) (param $g i32)
                            (param $mu f32) (param $lr f32) (param $lambda f32) (param $decay i32)
                            (param $wOut i32) (param $vOut i32)
    (local $i i32) (local $end i32) (local $at i32)
    (local $gv v128) (local $vv v128) (local $mu4 v128) (local $lr4 v128) (local $la4 v128)
    (local $gs f32) (local $vs f32)
    (local.set $mu4 (f32x4.splat (local.get $mu)))
    (local.set $lr4 (f32x4.splat (local.get $lr)))
    (local.set $la4 (f32x4.splat (local.get $lambda)))
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $endVec
      (loop $vec
        (br_if $endVec (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $at (i32.shl (local.get $i) (i32.const 2)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $at))))
        (if (local.get $decay)
          (then (local.set $gv (f32x4.add (local.get $gv) (f32x4.mul (v128.load (i32.add (local.get $w) (local.get $at))) (local.get $la4))))))
        (local.set $vv (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $at))) (local.get $mu4)) (local.get $gv)))
        (v128.store (i32.add (local.get $vOut) (local.get $at)) (local.get $vv))
        (v128.store (i32.add (local.get $wOut) (local.get $at))
                    (f32x4.sub (v128.load (i32.add (local.get $w) (local.get $at))) (f32x4.mul (local.get $vv) (local.get $lr4))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vec)))
    (block $endTail
      (loop $tail
        (br_if $endTail (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $at (i32.shl (local.get $i) (i32.const 2)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $at))))
        (if (local.get $decay)
          (then (local.set $gs (f32.add (local.get $gs) (f32.mul (f32.load (i32.add (local.get $w) (local.get $at))) (local.get $lambda))))))
        (local.set $vs (f32.add (f32.mul (f32.load (i32.add (local.get $v) (local.get $at))) (local.get $mu)) (local.get $gs)))
        (f32.store (i32.add (local.get $vOut) (local.get $at)) (local.get $vs))
        (f32.store (i32.add (local.get $wOut) (local.get $at))
                   (f32.sub (f32.load (i32.add (local.get $w) (local.get $at))) (f32.mul (local.get $vs) (local.get $lr))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail))))
)
