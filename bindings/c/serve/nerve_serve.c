/*
 * nerve-serve — a small HTTP prediction service on 127.0.0.1 that embeds libnerve: a worked example of calling
 * the library from many threads and of hot reload (see README.md beside this file).
 *
 *   nerve-serve --model FILE [--port 8080] [--threads 8] [--max-connections 1024] [--max-body BYTES]
 *               [--request-timeout MS] [--idle-timeout MS]
 *
 * SIGHUP reloads the model file (as POST /reload does); SIGINT and SIGTERM stop the service: the requests in
 * hand are answered, the workers joined, the model freed, and the exit status is 0.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "../arguments.h"
#include "model_slot.h"
#include "server.h"

static int usage(FILE *to)
{
    fprintf(to, "usage: nerve-serve --model FILE [--port N] [--threads N] [--max-connections N] [--max-body BYTES]\n"
                "                   [--request-timeout MS] [--idle-timeout MS]\n"
                "  --model FILE          model saved by nerve_save; reloaded on POST /reload and SIGHUP\n"
                "  --port N              port on 127.0.0.1, 0 for any free one (printed); default 8080\n"
                "  --threads N           worker threads, default 8\n"
                "  --max-connections N   open connections at once, default 1024 (beyond: 503)\n"
                "  --max-body BYTES      largest request body, default 16777216 (beyond: 413)\n"
                "  --request-timeout MS  a request must arrive whole in this time, default 10000 (else 408)\n"
                "  --idle-timeout MS     an idle keep-alive connection is closed after this, default 30000\n");
    return to == stdout ? 0 : 2;
}

int main(int argc, char **argv)
{
    const char *model_path = NULL;
    long port = 8080, threads = 8, connections = 1024, max_body = 16L << 20, request_ms = 10000, idle_ms = 30000;
    for (int i = 1; i < argc; i++) {
        const char *option = argv[i];
        if (strcmp(option, "--help") == 0)
            return usage(stdout);
        if (i + 1 >= argc) {
            fprintf(stderr, "nerve-serve: %s needs a value\n", option);
            return usage(stderr);
        }
        const char *value = argv[++i];
        int bad;
        if (strcmp(option, "--model") == 0) {
            model_path = value;
            bad = 0;
        } else if (strcmp(option, "--port") == 0) {
            bad = argument_long(value, 0, 65535, &port);
        } else if (strcmp(option, "--threads") == 0) {
            bad = argument_long(value, 1, 256, &threads);
        } else if (strcmp(option, "--max-connections") == 0) {
            bad = argument_long(value, 1, 65536, &connections);
        } else if (strcmp(option, "--max-body") == 0) {
            bad = argument_long(value, 0, 1L << 30, &max_body);
        } else if (strcmp(option, "--request-timeout") == 0) {
            bad = argument_long(value, 1, 3600 * 1000, &request_ms);
        } else if (strcmp(option, "--idle-timeout") == 0) {
            bad = argument_long(value, 1, 3600 * 1000, &idle_ms);
        } else {
            fprintf(stderr, "nerve-serve: unknown option %s\n", option);
            return usage(stderr);
        }
        if (bad) {
            fprintf(stderr, "nerve-serve: bad value for %s: %s\n", option, value);
            return usage(stderr);
        }
    }
    if (model_path == NULL) {
        fprintf(stderr, "nerve-serve: --model is required\n");
        return usage(stderr);
    }

    /* Signals are taken by sigwait on this thread alone; the workers inherit the blocked mask. SIGPIPE stays
     * blocked for good (sends use MSG_NOSIGNAL as well). */
    sigset_t handled, blocked;
    sigemptyset(&handled);
    sigaddset(&handled, SIGHUP);
    sigaddset(&handled, SIGINT);
    sigaddset(&handled, SIGTERM);
    blocked = handled;
    sigaddset(&blocked, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &blocked, NULL);

    model_slot slot;
    char error[640];
    if (model_slot_open(&slot, model_path, error, sizeof error) != 0) {
        fprintf(stderr, "nerve-serve: cannot load %s: %s\n", model_path, error);
        return 1;
    }
    server_config config = {.threads = (int)threads, .max_connections = (int)connections, .max_header = 8192,
                            .max_body = (size_t)max_body, .request_timeout_ms = (int)request_ms,
                            .idle_timeout_ms = (int)idle_ms};
    server *s = NULL;
    if (server_start(&s, &config, &slot, (int)port, error, sizeof error) != 0) {
        fprintf(stderr, "nerve-serve: %s\n", error);
        model_slot_close(&slot);
        return 1;
    }
    printf("nerve-serve: listening on http://127.0.0.1:%d/ with %ld threads, model %s\n", server_port(s), threads,
           model_path);
    fflush(stdout);

    for (;;) {
        int signal_number = 0;
        if (sigwait(&handled, &signal_number) != 0)
            continue;
        if (signal_number != SIGHUP)
            break;
        char message[1024];
        model_slot_reload(&slot, message, sizeof message);
        fprintf(stderr, "nerve-serve: SIGHUP: %s\n", message);
    }
    server_stop(s);
    model_slot_close(&slot);
    printf("nerve-serve: stopped\n");
    return 0;
}
