;; The hot loop of exact search, in WebAssembly SIMD: one pass over `count` rows of `stride`
;; float32s (stride is a multiple of 8, rows zero-padded), writing one float32 score per row.
;; Two f32x4 accumulators per row let the CPU overlap the multiply-adds. Compiled to
;; scan-wasm.ts by `pnpm --filter @hybrid-rag/vector-index build:wasm`.
(module
  (import "env" "memory" (memory 1 65536))

  ;; out[row] = Σ vectors[row][i] × query[i]
  (func (export "dot")
    (param $vectors i32) (param $count i32) (param $stride i32) (param $query i32) (param $out i32)
    (local $row i32) (local $offset i32) (local $rowBytes i32)
    (local $sum0 v128) (local $sum1 v128)
    (local.set $rowBytes (i32.shl (local.get $stride) (i32.const 2)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $count)))
        (local.set $sum0 (v128.const i32x4 0 0 0 0))
        (local.set $sum1 (v128.const i32x4 0 0 0 0))
        (local.set $offset (i32.const 0))
        (block $laneDone
          (loop $lanes
            (br_if $laneDone (i32.ge_u (local.get $offset) (local.get $rowBytes)))
            (local.set $sum0
              (f32x4.add (local.get $sum0)
                (f32x4.mul
                  (v128.load (i32.add (local.get $vectors) (local.get $offset)))
                  (v128.load (i32.add (local.get $query) (local.get $offset))))))
            (local.set $sum1
              (f32x4.add (local.get $sum1)
                (f32x4.mul
                  (v128.load offset=16 (i32.add (local.get $vectors) (local.get $offset)))
                  (v128.load offset=16 (i32.add (local.get $query) (local.get $offset))))))
            (local.set $offset (i32.add (local.get $offset) (i32.const 32)))
            (br $lanes)))
        (local.set $sum0 (f32x4.add (local.get $sum0) (local.get $sum1)))
        (f32.store (local.get $out)
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $sum0)) (f32x4.extract_lane 1 (local.get $sum0)))
            (f32.add (f32x4.extract_lane 2 (local.get $sum0)) (f32x4.extract_lane 3 (local.get $sum0)))))
        (local.set $vectors (i32.add (local.get $vectors) (local.get $rowBytes)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows))))

  ;; out[row] = −√(Σ (vectors[row][i] − query[i])²)
  (func (export "negativeEuclidean")
    (param $vectors i32) (param $count i32) (param $stride i32) (param $query i32) (param $out i32)
    (local $row i32) (local $offset i32) (local $rowBytes i32)
    (local $sum0 v128) (local $sum1 v128) (local $difference v128)
    (local.set $rowBytes (i32.shl (local.get $stride) (i32.const 2)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $count)))
        (local.set $sum0 (v128.const i32x4 0 0 0 0))
        (local.set $sum1 (v128.const i32x4 0 0 0 0))
        (local.set $offset (i32.const 0))
        (block $laneDone
          (loop $lanes
            (br_if $laneDone (i32.ge_u (local.get $offset) (local.get $rowBytes)))
            (local.set $difference
              (f32x4.sub
                (v128.load (i32.add (local.get $vectors) (local.get $offset)))
                (v128.load (i32.add (local.get $query) (local.get $offset)))))
            (local.set $sum0
              (f32x4.add (local.get $sum0) (f32x4.mul (local.get $difference) (local.get $difference))))
            (local.set $difference
              (f32x4.sub
                (v128.load offset=16 (i32.add (local.get $vectors) (local.get $offset)))
                (v128.load offset=16 (i32.add (local.get $query) (local.get $offset)))))
            (local.set $sum1
              (f32x4.add (local.get $sum1) (f32x4.mul (local.get $difference) (local.get $difference))))
            (local.set $offset (i32.add (local.get $offset) (i32.const 32)))
            (br $lanes)))
        (local.set $sum0 (f32x4.add (local.get $sum0) (local.get $sum1)))
        (f32.store (local.get $out)
          (f32.neg (f32.sqrt
            (f32.add
              (f32.add (f32x4.extract_lane 0 (local.get $sum0)) (f32x4.extract_lane 1 (local.get $sum0)))
              (f32.add (f32x4.extract_lane 2 (local.get $sum0)) (f32x4.extract_lane 3 (local.get $sum0)))))))
        (local.set $vectors (i32.add (local.get $vectors) (local.get $rowBytes)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows))))

  ;; out[row] = Σ vectors[row][i] × query[i] over int8 rows (stride bytes, a multiple of 32,
  ;; zero-padded) and a query of 7-bit values in [0, 127], as int32: the candidate scan of int8
  ;; quantised search (the caller shifts a signed query by +64 and subtracts 64 × Σ row).
  ;; i32x4.relaxed_dot_i8x16_i7x16_add_s multiplies 16 byte pairs and adds them pairwise into
  ;; int32 lanes in one step (pmaddubsw + pmaddwd on x86); with the second operand in [0, 127]
  ;; its result is fully specified (no implementation-defined case) and no int16 sum saturates
  ;; (|2 × 127 × 127| < 32768). 32 bytes per iteration into two accumulators.
  (func (export "dotInt8")
    (param $vectors i32) (param $count i32) (param $stride i32) (param $query i32) (param $out i32)
    (local $row i32) (local $offset i32) (local $end i32) (local $queryAt i32)
    (local $sum0 v128) (local $sum1 v128)
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $count)))
        (local.set $sum0 (v128.const i32x4 0 0 0 0))
        (local.set $sum1 (v128.const i32x4 0 0 0 0))
        (local.set $offset (local.get $vectors))
        (local.set $end (i32.add (local.get $vectors) (local.get $stride)))
        (local.set $queryAt (local.get $query))
        (block $laneDone
          (loop $lanes
            (br_if $laneDone (i32.ge_u (local.get $offset) (local.get $end)))
            (local.set $sum0
              (i32x4.relaxed_dot_i8x16_i7x16_add_s
                (v128.load (local.get $offset))
                (v128.load (local.get $queryAt))
                (local.get $sum0)))
            (local.set $sum1
              (i32x4.relaxed_dot_i8x16_i7x16_add_s
                (v128.load offset=16 (local.get $offset))
                (v128.load offset=16 (local.get $queryAt))
                (local.get $sum1)))
            (local.set $offset (i32.add (local.get $offset) (i32.const 32)))
            (local.set $queryAt (i32.add (local.get $queryAt) (i32.const 32)))
            (br $lanes)))
        (local.set $sum0 (i32x4.add (local.get $sum0) (local.get $sum1)))
        (i32.store (local.get $out)
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $sum0)) (i32x4.extract_lane 1 (local.get $sum0)))
            (i32.add (i32x4.extract_lane 2 (local.get $sum0)) (i32x4.extract_lane 3 (local.get $sum0)))))
        (local.set $vectors (local.get $end))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows)))))
