/* The BLAS Nerve calls: OpenBLAS's CBLAS (Debian: libopenblas-dev). */
#include <cblas.h>
