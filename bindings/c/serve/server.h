/*
 * server.h — the connections of the service: one listening socket on 127.0.0.1, a fixed table of connections
 * and a fixed number of worker threads sharing one epoll instance.
 *
 * Sockets are non-blocking and registered one-shot, so a connection belongs to one worker from the moment its
 * bytes arrive until it is handed back to epoll: a worker never waits for a slow client to send (it returns to
 * epoll as soon as the socket is drained), and only waits, at most request_timeout_ms, for one that does not
 * read its answer. A request must arrive whole within request_timeout_ms of its first byte (else 408 and the
 * connection is closed); an idle keep-alive connection is closed after idle_timeout_ms; a connection beyond
 * max_connections gets 503 and is closed.
 */
#ifndef SERVER_H
#define SERVER_H

#include <stddef.h>

#include "model_slot.h"

typedef struct server_config {
    int threads;
    int max_connections;
    size_t max_header;        /* bytes of request line and headers (431 beyond) */
    size_t max_body;          /* bytes of a body (413 beyond) */
    int request_timeout_ms;
    int idle_timeout_ms;
} server_config;

typedef struct server server;

/* Binds 127.0.0.1:port (0: a free port the system picks) and starts the workers. Returns 0, or -1 with a
 * message in `error`. Block the signals the process handles before calling: the workers inherit the mask. */
int server_start(server **out, const server_config *config, model_slot *slot, int port, char *error,
                 size_t error_size);

/* The port the server listens on. */
int server_port(const server *s);

/* Lets every worker finish the request in hand, joins them, closes every connection and frees the server. */
void server_stop(server *s);

#endif /* SERVER_H */
