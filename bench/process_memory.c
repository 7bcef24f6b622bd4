#include "process_memory.h"

#include <stdio.h>
#include <string.h>

static double status_field_mib(const char *field) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1.0;
    char line[256];
    double kib = -1.0;
    size_t length = strlen(field);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, length) == 0 && line[length] == ':') {
            sscanf(line + length + 1, "%lf", &kib);
            break;
        }
    fclose(f);
    return kib < 0 ? -1.0 : kib / 1024.0;
}

double resident_mib(void) { return status_field_mib("VmRSS"); }

double peak_resident_mib(void) { return status_field_mib("VmHWM"); }

int reset_peak_resident(void) {
    /* Writing 5 to clear_refs resets VmHWM (Linux >= 4.0). */
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f) return -1;
    int ok = fputs("5", f) >= 0;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}
