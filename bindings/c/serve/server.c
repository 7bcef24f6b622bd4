#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "endpoints.h"
#include "http_request.h"
#include "http_response.h"

/* epoll tags: connections are (generation << 32 | index), so an event for a slot that was closed and reused
 * since is recognised as stale. */
#define LISTEN_TAG UINT64_MAX
#define WAKE_TAG (UINT64_MAX - 1)

enum { SLOT_FREE, SLOT_WAITING, SLOT_BUSY };
enum {
    READ_CHUNK = 16384,
    KEPT_BUFFER = 256 * 1024,   /* a connection's buffer above this is released once it is empty */
    REQUESTS_PER_TURN = 64,     /* then the connection goes back to epoll, so others get their turn */
    ACCEPTS_PER_TURN = 64,
    SWEEP_INTERVAL_MS = 100
};

typedef struct connection {
    int fd;
    uint32_t generation;
    int state;                  /* SLOT_*; changed under the server's lock */
    char *buffer;               /* bytes received and not yet answered */
    size_t length, capacity;
    double request_started;     /* when the first byte of the pending request arrived */
    double deadline;            /* while waiting in epoll: when the sweep closes the connection */
    int continue_sent;          /* "100 Continue" already sent for the pending request */
} connection;

struct server {
    server_config config;
    http_limits limits;
    model_slot *slot;
    int listen_fd, epoll_fd, wake_fd, port;
    pthread_mutex_t lock;       /* the connection table's states, free list and epoll registrations */
    connection *connections;
    int *free_slots, free_count;
    atomic_int stopping;
    atomic_llong next_sweep_ms;
    pthread_t *workers;
    int workers_started;
    text_buffer busy_reply, timeout_reply;  /* sent without waiting, so formatted once */
};

static const char CONTINUE_REPLY[] = "HTTP/1.1 100 Continue\r\n\r\n";

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static uint64_t tag_of(const server *s, const connection *c)
{
    return ((uint64_t)c->generation << 32) | (uint64_t)(c - s->connections);
}

/* Under the lock. */
static void close_locked(server *s, connection *c)
{
    epoll_ctl(s->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->buffer);
    c->buffer = NULL;
    c->length = c->capacity = 0;
    c->fd = -1;
    c->generation++;
    c->state = SLOT_FREE;
    s->free_slots[s->free_count++] = (int)(c - s->connections);
}

static void close_connection(server *s, connection *c)
{
    pthread_mutex_lock(&s->lock);
    close_locked(s, c);
    pthread_mutex_unlock(&s->lock);
}

/* Hands the connection back to epoll, with the deadline the sweep enforces. */
static void wait_for_more(server *s, connection *c)
{
    pthread_mutex_lock(&s->lock);
    c->state = SLOT_WAITING;
    c->deadline = c->length > 0 ? c->request_started + s->config.request_timeout_ms * 1e-3
                                : now_seconds() + s->config.idle_timeout_ms * 1e-3;
    struct epoll_event event = {.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT, .data.u64 = tag_of(s, c)};
    if (epoll_ctl(s->epoll_fd, EPOLL_CTL_MOD, c->fd, &event) != 0)
        close_locked(s, c);
    pthread_mutex_unlock(&s->lock);
}

/* The connection an event is for, now owned by the calling worker; NULL if the event is stale. */
static connection *claim(server *s, uint64_t tag)
{
    uint32_t index = (uint32_t)tag, generation = (uint32_t)(tag >> 32);
    connection *c = NULL;
    pthread_mutex_lock(&s->lock);
    if (index < (uint32_t)s->config.max_connections && s->connections[index].generation == generation &&
        s->connections[index].state == SLOT_WAITING) {
        c = &s->connections[index];
        c->state = SLOT_BUSY;
    }
    pthread_mutex_unlock(&s->lock);
    return c;
}

/* Sends everything, waiting at most timeout_ms in all for a client that does not read. */
static int send_all(int fd, const char *data, size_t length, int timeout_ms)
{
    double deadline = now_seconds() + timeout_ms * 1e-3;
    while (length > 0) {
        ssize_t sent = send(fd, data, length, MSG_NOSIGNAL);
        if (sent > 0) {
            data += sent;
            length -= (size_t)sent;
        } else if (sent < 0 && errno == EINTR) {
            continue;
        } else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int left = (int)((deadline - now_seconds()) * 1e3);
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            if (left <= 0 || (poll(&p, 1, left) < 0 && errno != EINTR))
                return -1;
        } else {
            return -1;
        }
    }
    return 0;
}

/* Room in the buffer for the pending request (`needed` bytes in all, when known) and at least one more byte. */
static int make_room(server *s, connection *c, size_t needed)
{
    size_t target = c->length + READ_CHUNK;
    if (needed > target)
        target = needed;
    size_t most = s->limits.max_header + s->limits.max_body + READ_CHUNK;
    if (target > most)
        target = most;
    if (c->capacity >= target && c->capacity > c->length)
        return 0;
    if (target <= c->length)
        return -1;
    char *buffer = realloc(c->buffer, target);
    if (buffer == NULL)
        return -1;
    c->buffer = buffer;
    c->capacity = target;
    return 0;
}

static void consume(connection *c, size_t bytes)
{
    memmove(c->buffer, c->buffer + bytes, c->length - bytes);
    c->length -= bytes;
    c->continue_sent = 0;
    c->request_started = now_seconds();
    if (c->length == 0 && c->capacity > KEPT_BUFFER) {
        free(c->buffer);
        c->buffer = NULL;
        c->capacity = 0;
    }
}

/* Answers every whole request the connection has sent, reads until the socket is drained, and hands the
 * connection back to epoll or closes it. */
static void serve(server *s, connection *c, worker_scratch *scratch, text_buffer *response)
{
    for (int handled = 0;;) {
        http_request request;
        memset(&request, 0, sizeof request);
        int status = 0;
        const char *reason = "";
        http_parse_result parsed = c->length == 0 ? HTTP_INCOMPLETE
                                                  : http_parse_request(c->buffer, c->length, &s->limits, &request,
                                                                       &status, &reason);
        if (parsed == HTTP_REFUSED) {
            /* The stream cannot be trusted past a malformed request: answer and close. */
            char text[160];
            snprintf(text, sizeof text, "%s\n", reason);
            response->length = 0;
            if (http_append_response(response, status, "text/plain; charset=utf-8", NULL, text, strlen(text), 0) == 0)
                send_all(c->fd, response->data, response->length, s->config.request_timeout_ms);
            close_connection(s, c);
            return;
        }
        if (parsed == HTTP_COMPLETE) {
            response->length = 0;
            if (endpoint_answer(s->slot, &request, c->buffer + request.header_length, scratch, response) != 0 ||
                send_all(c->fd, response->data, response->length, s->config.request_timeout_ms) != 0 ||
                !request.keep_alive || atomic_load(&s->stopping)) {
                close_connection(s, c);
                return;
            }
            consume(c, request.header_length + request.body_length);
            if (++handled == REQUESTS_PER_TURN) {
                wait_for_more(s, c);
                return;
            }
            continue;
        }
        if (request.header_length > 0 && request.expect_continue && !c->continue_sent) {
            c->continue_sent = 1;
            if (send_all(c->fd, CONTINUE_REPLY, sizeof CONTINUE_REPLY - 1, s->config.request_timeout_ms) != 0) {
                close_connection(s, c);
                return;
            }
        }
        size_t needed = request.header_length > 0 ? request.header_length + request.body_length : 0;
        if (make_room(s, c, needed) != 0) {
            close_connection(s, c);
            return;
        }
        ssize_t received = recv(c->fd, c->buffer + c->length, c->capacity - c->length, 0);
        if (received > 0) {
            if (c->length == 0)
                c->request_started = now_seconds();
            c->length += (size_t)received;
        } else if (received < 0 && errno == EINTR) {
            continue;
        } else if (received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            wait_for_more(s, c);
            return;
        } else {
            close_connection(s, c); /* the client closed (a partial request is dropped), or the socket failed */
            return;
        }
    }
}

static void accept_connections(server *s)
{
    for (int accepted = 0; accepted < ACCEPTS_PER_TURN; accepted++) {
        int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                /* Out of descriptors: let them be released before the listener fires again. */
                struct timespec pause = {0, 10 * 1000 * 1000};
                nanosleep(&pause, NULL);
            }
            break;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        pthread_mutex_lock(&s->lock);
        if (s->free_count == 0) {
            pthread_mutex_unlock(&s->lock);
            send(fd, s->busy_reply.data, s->busy_reply.length, MSG_NOSIGNAL | MSG_DONTWAIT);
            close(fd);
            continue;
        }
        connection *c = &s->connections[s->free_slots[--s->free_count]];
        c->fd = fd;
        c->state = SLOT_WAITING;
        c->length = 0;
        c->continue_sent = 0;
        c->deadline = now_seconds() + s->config.idle_timeout_ms * 1e-3;
        struct epoll_event event = {.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT, .data.u64 = tag_of(s, c)};
        if (epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, fd, &event) != 0)
            close_locked(s, c);
        pthread_mutex_unlock(&s->lock);
    }
    struct epoll_event event = {.events = EPOLLIN | EPOLLONESHOT, .data.u64 = LISTEN_TAG};
    epoll_ctl(s->epoll_fd, EPOLL_CTL_MOD, s->listen_fd, &event);
}

/* Closes the waiting connections whose deadline has passed; one worker at a time does it, a few times a second. */
static void sweep_if_due(server *s)
{
    double now = now_seconds();
    long long now_ms = (long long)(now * 1e3), due = atomic_load(&s->next_sweep_ms);
    if (now_ms < due || !atomic_compare_exchange_strong(&s->next_sweep_ms, &due, now_ms + SWEEP_INTERVAL_MS))
        return;
    pthread_mutex_lock(&s->lock);
    for (int i = 0; i < s->config.max_connections; i++) {
        connection *c = &s->connections[i];
        if (c->state != SLOT_WAITING || c->deadline > now)
            continue;
        if (c->length > 0)
            send(c->fd, s->timeout_reply.data, s->timeout_reply.length, MSG_NOSIGNAL | MSG_DONTWAIT);
        close_locked(s, c);
    }
    pthread_mutex_unlock(&s->lock);
}

static void *worker_main(void *argument)
{
    server *s = argument;
    worker_scratch scratch;
    text_buffer response = {0};
    memset(&scratch, 0, sizeof scratch);
    while (!atomic_load(&s->stopping)) {
        struct epoll_event event;
        int ready = epoll_wait(s->epoll_fd, &event, 1, SWEEP_INTERVAL_MS);
        sweep_if_due(s);
        if (ready <= 0)
            continue;
        if (event.data.u64 == WAKE_TAG)
            break;
        if (event.data.u64 == LISTEN_TAG) {
            accept_connections(s);
            continue;
        }
        connection *c = claim(s, event.data.u64);
        if (c != NULL)
            serve(s, c, &scratch, &response);
    }
    worker_scratch_free(&scratch);
    text_buffer_free(&response);
    return NULL;
}

static int fail(char *error, size_t error_size, const char *what)
{
    snprintf(error, error_size, "%s: %s", what, strerror(errno));
    return -1;
}

static int open_listener(server *s, int port, char *error, size_t error_size)
{
    s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->listen_fd < 0)
        return fail(error, error_size, "socket");
    int one = 1;
    setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s->listen_fd, (struct sockaddr *)&address, sizeof address) != 0) {
        snprintf(error, error_size, "cannot bind 127.0.0.1:%d: %s", port, strerror(errno));
        return -1;
    }
    if (listen(s->listen_fd, SOMAXCONN) != 0)
        return fail(error, error_size, "listen");
    socklen_t length = sizeof address;
    if (getsockname(s->listen_fd, (struct sockaddr *)&address, &length) != 0)
        return fail(error, error_size, "getsockname");
    s->port = ntohs(address.sin_port);
    return 0;
}

static void release(server *s)
{
    for (int i = 0; s->connections != NULL && i < s->config.max_connections; i++)
        if (s->connections[i].state != SLOT_FREE)
            close_locked(s, &s->connections[i]);
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    if (s->epoll_fd >= 0)
        close(s->epoll_fd);
    if (s->wake_fd >= 0)
        close(s->wake_fd);
    pthread_mutex_destroy(&s->lock);
    free(s->connections);
    free(s->free_slots);
    free(s->workers);
    text_buffer_free(&s->busy_reply);
    text_buffer_free(&s->timeout_reply);
    free(s);
}

int server_start(server **out, const server_config *config, model_slot *slot, int port, char *error,
                 size_t error_size)
{
    server *s = calloc(1, sizeof *s);
    if (s == NULL)
        return fail(error, error_size, "server");
    s->config = *config;
    s->limits.max_header = config->max_header;
    s->limits.max_body = config->max_body;
    s->slot = slot;
    s->listen_fd = s->epoll_fd = s->wake_fd = -1;
    pthread_mutex_init(&s->lock, NULL);
    s->connections = calloc((size_t)config->max_connections, sizeof *s->connections);
    s->free_slots = calloc((size_t)config->max_connections, sizeof *s->free_slots);
    s->workers = calloc((size_t)config->threads, sizeof *s->workers);
    static const char busy[] = "too many open connections\n", late[] = "the request did not arrive in time\n";
    if (s->connections == NULL || s->free_slots == NULL || s->workers == NULL ||
        http_append_response(&s->busy_reply, 503, "text/plain; charset=utf-8", NULL, busy, sizeof busy - 1, 0) ||
        http_append_response(&s->timeout_reply, 408, "text/plain; charset=utf-8", NULL, late, sizeof late - 1, 0)) {
        release(s);
        return fail(error, error_size, "connection table");
    }
    for (int i = config->max_connections - 1; i >= 0; i--) {
        s->connections[i].fd = -1;
        s->free_slots[s->free_count++] = i;
    }
    if (open_listener(s, port, error, error_size) != 0) {
        release(s);
        return -1;
    }
    s->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    s->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    struct epoll_event wake = {.events = EPOLLIN, .data.u64 = WAKE_TAG};
    struct epoll_event listen_event = {.events = EPOLLIN | EPOLLONESHOT, .data.u64 = LISTEN_TAG};
    if (s->epoll_fd < 0 || s->wake_fd < 0 || epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, s->wake_fd, &wake) != 0 ||
        epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, s->listen_fd, &listen_event) != 0) {
        fail(error, error_size, "epoll");
        release(s);
        return -1;
    }
    for (; s->workers_started < config->threads; s->workers_started++) {
        int failed = pthread_create(&s->workers[s->workers_started], NULL, worker_main, s);
        if (failed != 0) {
            snprintf(error, error_size, "cannot start worker thread: %s", strerror(failed));
            server_stop(s);
            return -1;
        }
    }
    *out = s;
    return 0;
}

int server_port(const server *s)
{
    return s->port;
}

void server_stop(server *s)
{
    atomic_store(&s->stopping, 1);
    uint64_t one = 1;
    if (write(s->wake_fd, &one, sizeof one) < 0)
        perror("nerve-serve: waking the workers");
    for (int i = 0; i < s->workers_started; i++)
        pthread_join(s->workers[i], NULL);
    release(s);
}
