/*
 * The native LAPACK reference of the linear-algebra benchmarks: times one LAPACK routine
 * of the system's OpenBLAS, on one thread, on a matrix the benchmark hands over, so that
 * bench/ can show it beside fisher-wasm in the same run. Compiled and run only by
 * bench/lib/native-lapack.ts, never by the tests.
 *
 * usage: lapack <op> <d> <input> <output> <min-seconds>
 *   op       pptrf          packed Cholesky (dpptrf)
 *            pptrf-pptri    packed Cholesky then the packed inverse from it (dpptrf + dpptri)
 *            syevd-vectors  eigenvalues and eigenvectors by divide and conquer (dsyevd, 'V')
 *            syevd-values   eigenvalues only (dsyevd, 'N')
 *            sytrd          Householder reduction to tridiagonal form (dsytrd)
 *            syrk           the BLAS rank-k update C = Sᵀ S of N score rows (dsyrk), the sum
 *                           that empiricalFisher computes; C is reused across calls, as
 *                           fisher-wasm's `{ out }`
 *   input    d(d+1)/2 little-endian f64: the matrix in packed 'U' storage (column-major upper);
 *            for syrk the N × d scores, row-major (N from the file's length)
 *   output   written once, from the first (untimed) call: pptrf the packed factor U,
 *            pptrf-pptri the packed inverse, syevd-* the d eigenvalues ascending, sytrd the
 *            d diagonal then the d - 1 off-diagonal entries of the tridiagonal matrix, syrk
 *            the packed 'U' sum Sᵀ S
 * Prints one JSON line: {"library": ..., "op": ..., "d": ..., "seconds": [per-call seconds of
 * each sample]}. Every call starts from a fresh copy of the input (the routines work in
 * place), as fisher-wasm's calls copy their input in; the copy is timed with the call.
 * Samples are taken until min-seconds have passed and at least 5 were taken; a sample
 * repeats the call until it lasts a millisecond, so short calls are not lost in the clock.
 */
#include <lapacke.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* OpenBLAS's own entry points (declared in its cblas.h, which is not needed otherwise), and the
 * Fortran BLAS dsyrk. */
extern void dsyrk_(const char *uplo, const char *trans, const int *n, const int *k, const double *alpha,
                   const double *a, const int *lda, const double *beta, double *c, const int *ldc);
extern void openblas_set_num_threads(int num_threads);
extern char *openblas_get_config(void);

enum op { PPTRF, PPTRF_PPTRI, SYEVD_VECTORS, SYEVD_VALUES, SYTRD, SYRK };

struct problem {
  enum op op;
  lapack_int d;
  const double *packed; /* the input, packed 'U' */
  double *dense;        /* the input, full column-major (syevd, sytrd) */
  double *a;            /* the working copy the routine overwrites */
  double *w, *e, *tau;  /* eigenvalues / diagonal, off-diagonal, reflector scales */
  double *work;
  lapack_int *iwork;
  lapack_int lwork, liwork;
  const double *scores; /* syrk: the N × d rows, which column-major are the d × N matrix Sᵀ */
  int rows;
};

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void die(const char *what, long info) {
  fprintf(stderr, "lapack: %s failed (info %ld)\n", what, info);
  exit(2);
}

static void *allocate(size_t bytes) {
  void *p = malloc(bytes > 0 ? bytes : 1);
  if (!p) die("malloc", 0);
  return p;
}

/* One call of the routine on a fresh copy of the input. */
static void run(struct problem *p) {
  lapack_int d = p->d, info = 0;
  size_t packed = (size_t)d * (size_t)(d + 1) / 2;
  switch (p->op) {
    case PPTRF:
    case PPTRF_PPTRI:
      memcpy(p->a, p->packed, packed * sizeof(double));
      info = LAPACKE_dpptrf_work(LAPACK_COL_MAJOR, 'U', d, p->a);
      if (info != 0) die("dpptrf", info);
      if (p->op == PPTRF_PPTRI) {
        info = LAPACKE_dpptri_work(LAPACK_COL_MAJOR, 'U', d, p->a);
        if (info != 0) die("dpptri", info);
      }
      break;
    case SYEVD_VECTORS:
    case SYEVD_VALUES:
      memcpy(p->a, p->dense, (size_t)d * (size_t)d * sizeof(double));
      info = LAPACKE_dsyevd_work(LAPACK_COL_MAJOR, p->op == SYEVD_VECTORS ? 'V' : 'N', 'U', d, p->a, d, p->w,
                                 p->work, p->lwork, p->iwork, p->liwork);
      if (info != 0) die("dsyevd", info);
      break;
    case SYRK: {
      /* C (d × d, column-major upper) = Sᵀ S: dsyrk of the d × N matrix Sᵀ, no transpose. */
      const int n = (int)d, k = p->rows;
      const double one = 1, zero = 0;
      dsyrk_("U", "N", &n, &k, &one, p->scores, &n, &zero, p->a, &n);
      break;
    }
    case SYTRD:
      memcpy(p->a, p->dense, (size_t)d * (size_t)d * sizeof(double));
      info = LAPACKE_dsytrd_work(LAPACK_COL_MAJOR, 'U', d, p->a, d, p->w, p->e, p->tau, p->work, p->lwork);
      if (info != 0) die("dsytrd", info);
      break;
  }
}

/* Workspace sizes from the routines' own queries (lwork = -1). */
static void allocateWork(struct problem *p) {
  lapack_int d = p->d, info = 0;
  double lwork = 0;
  lapack_int liwork = 0;
  p->lwork = 1;
  p->liwork = 1;
  if (p->op == SYEVD_VECTORS || p->op == SYEVD_VALUES) {
    info = LAPACKE_dsyevd_work(LAPACK_COL_MAJOR, p->op == SYEVD_VECTORS ? 'V' : 'N', 'U', d, p->a, d, p->w, &lwork,
                               -1, &liwork, -1);
    if (info != 0) die("dsyevd workspace query", info);
    p->lwork = (lapack_int)lwork;
    p->liwork = liwork;
  } else if (p->op == SYTRD) {
    info = LAPACKE_dsytrd_work(LAPACK_COL_MAJOR, 'U', d, p->a, d, p->w, p->e, p->tau, &lwork, -1);
    if (info != 0) die("dsytrd workspace query", info);
    p->lwork = (lapack_int)lwork;
  }
  p->work = allocate((size_t)p->lwork * sizeof(double));
  p->iwork = allocate((size_t)p->liwork * sizeof(lapack_int));
}

static int parseOp(const char *name, enum op *op) {
  static const char *names[] = {"pptrf", "pptrf-pptri", "syevd-vectors", "syevd-values", "sytrd", "syrk"};
  for (int i = 0; i < 6; i++) {
    if (strcmp(name, names[i]) == 0) {
      *op = (enum op)i;
      return 1;
    }
  }
  return 0;
}

static void writeOutput(const char *path, const struct problem *p) {
  size_t d = (size_t)p->d;
  FILE *f = fopen(path, "wb");
  if (!f) die("opening the output", 0);
  size_t ok = 1;
  if (p->op == PPTRF || p->op == PPTRF_PPTRI) {
    ok = fwrite(p->a, sizeof(double), d * (d + 1) / 2, f) == d * (d + 1) / 2;
  } else if (p->op == SYRK) {
    for (size_t j = 0; j < d && ok; j++) ok = fwrite(p->a + j * d, sizeof(double), j + 1, f) == j + 1;
  } else {
    ok = fwrite(p->w, sizeof(double), d, f) == d;
    if (p->op == SYTRD && d > 1) ok = ok && fwrite(p->e, sizeof(double), d - 1, f) == d - 1;
  }
  if (!ok || fclose(f) != 0) die("writing the output", 0);
}

int main(int argc, char **argv) {
  struct problem p;
  memset(&p, 0, sizeof p);
  if (argc != 6 || !parseOp(argv[1], &p.op) || atol(argv[2]) < 1) {
    fprintf(stderr,
            "usage: lapack pptrf|pptrf-pptri|syevd-vectors|syevd-values|sytrd|syrk <d> <input> <output> <min-seconds>\n");
    return 1;
  }
  openblas_set_num_threads(1);
  p.d = (lapack_int)atol(argv[2]);
  double minSeconds = atof(argv[5]);
  size_t d = (size_t)p.d, packed = d * (d + 1) / 2;

  FILE *f = fopen(argv[3], "rb");
  if (!f) die("opening the input", 0);
  if (p.op == SYRK) {
    /* The scores are the whole file: N rows of d. */
    if (fseek(f, 0, SEEK_END) != 0) die("sizing the input", 0);
    size_t values = (size_t)ftell(f) / sizeof(double);
    rewind(f);
    if (values == 0 || values % d != 0) die("reading the input: not whole rows of d", (long)values);
    double *scores = allocate(values * sizeof(double));
    if (fread(scores, sizeof(double), values, f) != values) die("reading the input", 0);
    p.scores = scores;
    p.rows = (int)(values / d);
    packed = 0;
  }
  double *input = allocate((packed > 0 ? packed : 1) * sizeof(double));
  if (packed > 0 && fread(input, sizeof(double), packed, f) != packed) die("reading the input", 0);
  fclose(f);
  p.packed = input;
  p.dense = allocate(d * d * sizeof(double));
  for (size_t j = 0; j < (p.op == SYRK ? 0 : d); j++) {
    for (size_t i = 0; i <= j; i++) {
      double v = input[j * (j + 1) / 2 + i];
      p.dense[i + j * d] = v;
      p.dense[j + i * d] = v;
    }
  }
  p.a = allocate(d * d * sizeof(double));
  p.w = allocate(d * sizeof(double));
  p.e = allocate(d * sizeof(double));
  p.tau = allocate(d * sizeof(double));
  allocateWork(&p);

  run(&p);
  writeOutput(argv[4], &p);

  /* Calls per sample: enough for a millisecond, measured on the first call after warm-up. */
  double start = now();
  run(&p);
  double once = now() - start;
  long reps = once >= 1e-3 ? 1 : (long)(1e-3 / (once > 1e-9 ? once : 1e-9)) + 1;

  printf("{\"library\": \"%s\", \"op\": \"%s\", \"d\": %ld, \"seconds\": [", openblas_get_config(), argv[1],
         (long)p.d);
  double began = now();
  int samples = 0;
  while (samples < 5 || now() - began < minSeconds) {
    double t0 = now();
    for (long r = 0; r < reps; r++) run(&p);
    double per = (now() - t0) / (double)reps;
    printf("%s%.9e", samples > 0 ? ", " : "", per);
    samples++;
  }
  printf("]}\n");
  return 0;
}
