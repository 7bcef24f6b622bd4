#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *option_string(int argc, char **argv, const char *key, const char *fallback) {
    size_t key_length = strlen(key);
    for (int i = 1; i < argc; i++)
        if (strncmp(argv[i], key, key_length) == 0 && argv[i][key_length] == '=') return argv[i] + key_length + 1;
    return fallback;
}

double option_number(int argc, char **argv, const char *key, double fallback) {
    const char *text = option_string(argc, argv, key, NULL);
    if (!text) return fallback;
    char *end;
    double value = strtod(text, &end);
    if (end == text || *end != '\0') {
        fprintf(stderr, "option %s: not a number: %s\n", key, text);
        exit(2);
    }
    return value;
}

int option_sizes(int argc, char **argv, const char *key, int32_t *sizes, int capacity) {
    const char *text = option_string(argc, argv, key, NULL);
    if (!text) {
        fprintf(stderr, "option %s is required (e.g. %s=784,100,10)\n", key, key);
        exit(2);
    }
    int count = 0;
    while (*text) {
        char *end;
        long value = strtol(text, &end, 10);
        if (end == text || value <= 0 || count == capacity || (*end != ',' && *end != '\0')) {
            fprintf(stderr, "option %s: malformed size list\n", key);
            exit(2);
        }
        sizes[count++] = (int32_t)value;
        text = *end == ',' ? end + 1 : end;
    }
    if (count < 2) {
        fprintf(stderr, "option %s: need at least an input and an output size\n", key);
        exit(2);
    }
    return count;
}
