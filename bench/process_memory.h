/* Resident memory of this process, from /proc/self, in MiB. Linux only. */
#ifndef BENCH_PROCESS_MEMORY_H
#define BENCH_PROCESS_MEMORY_H

double resident_mib(void);       /* VmRSS now */
double peak_resident_mib(void);  /* VmHWM: highest VmRSS since start or since the last reset */

/* Lowers the peak to the current resident size, so a later peak measures one phase of the program.
 * Returns 0 on success, -1 where the kernel does not allow it. */
int reset_peak_resident(void);

#endif
