/*
 * load — a load generator for nerve-serve, on the loopback interface only, bounded in time.
 *
 *   load --port N [--seconds 5] [--connections 8] [--batch 1] [--binary] [--samples FILE] [--reload-every MS]
 *
 * Each connection is a thread with one keep-alive connection that sends POST /predict with `batch` samples and
 * waits for the answer before the next (a closed loop). Samples come from FILE (little-endian float32, a whole
 * number of samples) or are drawn in [0, 1) from a fixed seed; the input size comes from GET /model. With
 * --reload-every, one more thread POSTs /reload that often. An error is a failed connection, a status other than
 * 200, or an answer without one line per sample. Prints requests/s, samples/s, latency p50, p99 and max, and
 * the error count, then the same as a "RESULT {json}" line; exits 1 if there was any error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../arguments.h"
#include "text_buffer.h"

enum { REQUESTS_PER_CONNECTION = 16, GENERATED_SAMPLES = 256, MAX_CONNECTIONS = 1024, IO_TIMEOUT_S = 10 };

typedef struct settings {
    int port, connections, batch, binary, reload_every_ms;
    double seconds;
    const char *samples_path;
} settings;

typedef struct client {
    const settings *config;
    const float *samples;
    int64_t n_samples;
    int32_t input_size;
    int index;
    double *latencies;          /* seconds, one per answered request */
    size_t answered, capacity;
    long errors;
    char first_error[200];
} client;

static atomic_int stop;

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int connect_to(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval timeout = {.tv_sec = IO_TIMEOUT_S};
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int send_all(int fd, const char *data, size_t length)
{
    while (length > 0) {
        ssize_t sent = send(fd, data, length, MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent <= 0)
            return -1;
        data += sent;
        length -= (size_t)sent;
    }
    return 0;
}

/* Reads one response into `in` (reused); returns its status and sets *body and *body_length, or -1. */
static int read_response(int fd, text_buffer *in, const char **body, size_t *body_length)
{
    in->length = 0;
    size_t header_end = 0, content_length = 0;
    for (;;) {
        if (header_end > 0 && in->length >= header_end + content_length)
            break;
        if (text_buffer_reserve(in, 4096) != 0)
            return -1;
        ssize_t got = recv(fd, in->data + in->length, in->capacity - in->length - 1, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return -1;
        in->length += (size_t)got;
        in->data[in->length] = '\0';
        if (header_end == 0) {
            char *end = strstr(in->data, "\r\n\r\n");
            if (end == NULL)
                continue;
            header_end = (size_t)(end - in->data) + 4;
            const char *length_header = strstr(in->data, "Content-Length: ");
            if (length_header == NULL || length_header > end)
                return -1;
            content_length = strtoul(length_header + 16, NULL, 10);
        }
    }
    int status = 0;
    if (sscanf(in->data, "HTTP/1.1 %d", &status) != 1)
        return -1;
    *body = in->data + header_end;
    *body_length = content_length;
    return status;
}

/* One HTTP round trip on *fd (reconnecting if needed); returns the status or -1. */
static int round_trip(int *fd, int port, const text_buffer *request, text_buffer *in, const char **body,
                      size_t *body_length)
{
    if (*fd < 0 && (*fd = connect_to(port)) < 0)
        return -1;
    int status = -1;
    if (send_all(*fd, request->data, request->length) == 0)
        status = read_response(*fd, in, body, body_length);
    if (status < 0) {
        close(*fd);
        *fd = -1;
    }
    return status;
}

static void note_error(client *c, const char *what)
{
    if (c->errors++ == 0)
        snprintf(c->first_error, sizeof c->first_error, "%s", what);
}

static int build_request(text_buffer *request, const client *c, int64_t first)
{
    text_buffer body = {0};
    int failed = 0;
    for (int s = 0; s < c->config->batch && !failed; s++) {
        const float *sample = c->samples + ((first + s) % c->n_samples) * c->input_size;
        if (c->config->binary) {
            for (int32_t k = 0; k < c->input_size && !failed; k++) {
                uint32_t bits;
                unsigned char bytes[4];
                memcpy(&bits, &sample[k], 4);
                for (int b = 0; b < 4; b++)
                    bytes[b] = (unsigned char)(bits >> (8 * b));
                failed = text_buffer_append(&body, bytes, 4);
            }
        } else {
            for (int32_t k = 0; k < c->input_size && !failed; k++)
                failed = text_buffer_printf(&body, k + 1 < c->input_size ? "%.9g " : "%.9g\n", (double)sample[k]);
        }
    }
    failed = failed || text_buffer_printf(request,
                                          "POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: %s\r\n"
                                          "Content-Length: %zu\r\n\r\n",
                                          c->config->binary ? "application/octet-stream" : "text/plain",
                                          body.length) ||
             text_buffer_append(request, body.data, body.length);
    text_buffer_free(&body);
    return failed ? -1 : 0;
}

static void *client_main(void *argument)
{
    client *c = argument;
    text_buffer requests[REQUESTS_PER_CONNECTION], in = {0};
    memset(requests, 0, sizeof requests);
    for (int r = 0; r < REQUESTS_PER_CONNECTION; r++)
        if (build_request(&requests[r], c, ((int64_t)c->index * REQUESTS_PER_CONNECTION + r) * c->config->batch)) {
            note_error(c, "out of memory");
            return NULL;
        }
    int fd = -1;
    for (long sent = 0; !atomic_load(&stop); sent++) {
        const char *body = NULL;
        size_t body_length = 0;
        double start = now_seconds();
        int status = round_trip(&fd, c->config->port, &requests[sent % REQUESTS_PER_CONNECTION], &in, &body,
                                &body_length);
        double seconds = now_seconds() - start;
        if (status != 200) {
            char what[200];
            snprintf(what, sizeof what, status < 0 ? "connection failed" : "status %d: %.*s", status,
                     (int)(body_length < 120 ? body_length : 120), body ? body : "");
            note_error(c, what);
            continue;
        }
        long lines = 0;
        for (size_t i = 0; i < body_length; i++)
            lines += body[i] == '\n';
        if (lines != c->config->batch) {
            note_error(c, "an answer without one line per sample");
            continue;
        }
        if (c->answered == c->capacity) {
            size_t capacity = c->capacity ? 2 * c->capacity : 4096;
            double *grown = realloc(c->latencies, capacity * sizeof *grown);
            if (grown == NULL) {
                note_error(c, "out of memory");
                break;
            }
            c->latencies = grown;
            c->capacity = capacity;
        }
        c->latencies[c->answered++] = seconds;
    }
    if (fd >= 0)
        close(fd);
    for (int r = 0; r < REQUESTS_PER_CONNECTION; r++)
        text_buffer_free(&requests[r]);
    text_buffer_free(&in);
    return NULL;
}

typedef struct reloader {
    const settings *config;
    long reloads, errors;
    char first_error[200];
} reloader;

static void *reloader_main(void *argument)
{
    reloader *r = argument;
    text_buffer request = {0}, in = {0};
    text_buffer_printf(&request, "POST /reload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
    int fd = -1;
    double next = now_seconds();
    while (!atomic_load(&stop)) {
        next += r->config->reload_every_ms * 1e-3;
        double wait = next - now_seconds();
        if (wait > 0) {
            struct timespec pause = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
            nanosleep(&pause, NULL);
        }
        if (atomic_load(&stop))
            break;
        const char *body = NULL;
        size_t body_length = 0;
        int status = round_trip(&fd, r->config->port, &request, &in, &body, &body_length);
        r->reloads++;
        if (status != 200 && r->errors++ == 0)
            snprintf(r->first_error, sizeof r->first_error, "reload: status %d: %.*s", status,
                     (int)(body_length < 120 ? body_length : 120), body ? body : "");
    }
    if (fd >= 0)
        close(fd);
    text_buffer_free(&request);
    text_buffer_free(&in);
    return NULL;
}

/* The input size from GET /model. */
static int32_t model_input_size(int port)
{
    text_buffer request = {0}, in = {0};
    text_buffer_printf(&request, "GET /model HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    int fd = -1;
    const char *body = NULL;
    size_t body_length = 0;
    int32_t size = -1;
    if (round_trip(&fd, port, &request, &in, &body, &body_length) == 200) {
        const char *field = strstr(body, "\"input_size\":");
        if (field != NULL)
            size = (int32_t)strtol(field + 13, NULL, 10);
    }
    if (fd >= 0)
        close(fd);
    text_buffer_free(&request);
    text_buffer_free(&in);
    return size;
}

static float *load_samples(const char *path, int32_t input_size, int64_t *n_samples)
{
    if (path == NULL) {
        float *samples = malloc(sizeof *samples * (size_t)GENERATED_SAMPLES * (size_t)input_size);
        uint64_t state = 0x9e3779b97f4a7c15u;
        for (int64_t i = 0; samples != NULL && i < (int64_t)GENERATED_SAMPLES * input_size; i++) {
            state ^= state << 13, state ^= state >> 7, state ^= state << 17;
            samples[i] = (float)(state >> 40) / (float)(1 << 24);
        }
        *n_samples = GENERATED_SAMPLES;
        return samples;
    }
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        perror(path);
        return NULL;
    }
    fseek(file, 0, SEEK_END);
    long bytes = ftell(file);
    rewind(file);
    size_t sample_bytes = (size_t)input_size * 4;
    if (bytes <= 0 || (size_t)bytes % sample_bytes != 0) {
        fprintf(stderr, "load: %s does not hold whole samples of %d float32 values\n", path, (int)input_size);
        fclose(file);
        return NULL;
    }
    unsigned char *raw = malloc((size_t)bytes);
    float *samples = malloc((size_t)bytes);
    if (raw == NULL || samples == NULL || fread(raw, 1, (size_t)bytes, file) != (size_t)bytes) {
        fprintf(stderr, "load: cannot read %s\n", path);
        free(raw), free(samples), fclose(file);
        return NULL;
    }
    fclose(file);
    for (long i = 0; i < bytes / 4; i++) {
        uint32_t bits = (uint32_t)raw[4 * i] | (uint32_t)raw[4 * i + 1] << 8 | (uint32_t)raw[4 * i + 2] << 16 |
                        (uint32_t)raw[4 * i + 3] << 24;
        memcpy(&samples[i], &bits, 4);
    }
    free(raw);
    *n_samples = (int64_t)((size_t)bytes / sample_bytes);
    return samples;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted values. */
static double percentile(const double *sorted, size_t n, double p)
{
    if (n == 0)
        return 0;
    size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);
    return sorted[rank == 0 ? 0 : rank - 1];
}

static int parse_arguments(int argc, char **argv, settings *config)
{
    long value;
    float seconds;
    *config = (settings){.port = 0, .connections = 8, .batch = 1, .seconds = 5};
    for (int i = 1; i < argc; i++) {
        const char *option = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(option, "--binary") == 0) {
            config->binary = 1;
            continue;
        }
        if (next == NULL)
            return -1;
        i++;
        if (strcmp(option, "--port") == 0 && argument_long(next, 1, 65535, &value) == 0)
            config->port = (int)value;
        else if (strcmp(option, "--connections") == 0 && argument_long(next, 1, MAX_CONNECTIONS, &value) == 0)
            config->connections = (int)value;
        else if (strcmp(option, "--batch") == 0 && argument_long(next, 1, 1 << 16, &value) == 0)
            config->batch = (int)value;
        else if (strcmp(option, "--reload-every") == 0 && argument_long(next, 1, 3600 * 1000, &value) == 0)
            config->reload_every_ms = (int)value;
        else if (strcmp(option, "--seconds") == 0 && argument_float(next, &seconds) == 0 && seconds > 0 &&
                 seconds <= 3600)
            config->seconds = seconds;
        else if (strcmp(option, "--samples") == 0)
            config->samples_path = next;
        else
            return -1;
    }
    return config->port > 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    settings config;
    if (parse_arguments(argc, argv, &config) != 0) {
        fprintf(stderr, "usage: load --port N [--seconds 5] [--connections 8] [--batch 1] [--binary] "
                        "[--samples FILE] [--reload-every MS]\n");
        return 2;
    }
    int32_t input_size = model_input_size(config.port);
    if (input_size <= 0) {
        fprintf(stderr, "load: GET /model on 127.0.0.1:%d gave no input size\n", config.port);
        return 1;
    }
    int64_t n_samples = 0;
    float *samples = load_samples(config.samples_path, input_size, &n_samples);
    if (samples == NULL)
        return 1;

    client *clients = calloc((size_t)config.connections, sizeof *clients);
    pthread_t *threads = calloc((size_t)config.connections, sizeof *threads), reload_thread;
    reloader reloads = {.config = &config};
    for (int i = 0; i < config.connections; i++) {
        clients[i] = (client){.config = &config, .samples = samples, .n_samples = n_samples,
                              .input_size = input_size, .index = i};
        pthread_create(&threads[i], NULL, client_main, &clients[i]);
    }
    if (config.reload_every_ms > 0)
        pthread_create(&reload_thread, NULL, reloader_main, &reloads);
    double start = now_seconds();
    struct timespec pause = {(time_t)config.seconds, (long)((config.seconds - (double)(time_t)config.seconds) * 1e9)};
    nanosleep(&pause, NULL);
    atomic_store(&stop, 1);
    for (int i = 0; i < config.connections; i++)
        pthread_join(threads[i], NULL);
    if (config.reload_every_ms > 0)
        pthread_join(reload_thread, NULL);
    double elapsed = now_seconds() - start;

    size_t answered = 0;
    long errors = reloads.errors;
    const char *first_error = reloads.errors ? reloads.first_error : NULL;
    for (int i = 0; i < config.connections; i++) {
        answered += clients[i].answered;
        errors += clients[i].errors;
        if (clients[i].errors && first_error == NULL)
            first_error = clients[i].first_error;
    }
    double *all = malloc(sizeof *all * (answered + 1));
    for (int i = 0, k = 0; i < config.connections; i++)
        for (size_t j = 0; j < clients[i].answered; j++)
            all[k++] = clients[i].latencies[j];
    qsort(all, answered, sizeof *all, compare_doubles);
    double rate = (double)answered / elapsed, p50 = percentile(all, answered, 50) * 1e3,
           p99 = percentile(all, answered, 99) * 1e3, max = answered ? all[answered - 1] * 1e3 : 0;
    printf("%d connections, batch %d (%s), %.1f s: %zu requests, %.0f requests/s, %.0f samples/s; "
           "latency p50 %.3f ms, p99 %.3f ms, max %.3f ms; %ld errors; %ld reloads (%ld failed)\n",
           config.connections, config.batch, config.binary ? "float32" : "text", elapsed, answered, rate,
           rate * config.batch, p50, p99, max, errors, reloads.reloads, reloads.errors);
    if (first_error != NULL)
        printf("first error: %s\n", first_error);
    printf("RESULT {\"connections\": %d, \"batch\": %d, \"binary\": %d, \"seconds\": %.3f, \"requests\": %zu, "
           "\"requests_per_second\": %.1f, \"samples_per_second\": %.1f, \"p50_ms\": %.4f, \"p99_ms\": %.4f, "
           "\"max_ms\": %.4f, \"errors\": %ld, \"reloads\": %ld, \"reload_errors\": %ld}\n",
           config.connections, config.batch, config.binary, elapsed, answered, rate, rate * config.batch, p50, p99,
           max, errors, reloads.reloads, reloads.errors);
    for (int i = 0; i < config.connections; i++)
        free(clients[i].latencies);
    free(all);
    free(clients);
    free(threads);
    free(samples);
    return errors == 0 && answered > 0 ? 0 : 1;
}
