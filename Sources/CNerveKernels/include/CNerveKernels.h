/* The module's umbrella: everything the Swift core imports from the C kernels. */
#include "nerve_kernels.h"
#include "nerve_windows.h"
