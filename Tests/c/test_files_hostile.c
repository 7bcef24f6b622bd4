/* nerve_save and nerve_load against a hostile file system:
 *  - paths are bytes used as given (names that are not UTF-8 stay distinct); paths longer than PATH_MAX - 1
 *    bytes are refused with NERVE_E_INVALID;
 *  - loading a FIFO, a directory, a UNIX socket or /dev/null fails at once with NERVE_E_IO; saving over a FIFO,
 *    a socket, a directory or a character device fails with NERVE_E_IO and leaves the node as it was;
 *  - file names of 244 to 255 bytes and paths of 4,075 to 4,095 bytes save and load; a failure names the
 *    caller's path, never a temporary one;
 *  - saving over a file keeps its permission bits (and, as root, its owner); a new file gets 0666 & ~umask;
 *  - saving through a symbolic link (relative, absolute, a chain, dangling) writes the link's target and keeps
 *    the link; the temporary file goes beside the target; a loop fails with nothing created;
 *  - the loader checks the file's size against the header before reading: a sparse 512 MiB or 2 GiB file is
 *    refused with NERVE_E_FORMAT quickly, without reading it and without allocating its size;
 *  - a successful save leaves errno as it was; a failed one leaves no file behind.
 * Every case works in a directory of its own. Calls that could block, or that need process-wide settings
 * (umask, resource limits, credentials), run in a child process with a deadline. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "files.h"
#include "suite.h"

enum { PATH_BYTES = 8192, CHILD_SECONDS = 5 };

static const char *const NAME_E8 = "mod\xe8le.nerve"; /* "modèle" in Latin-1: not UTF-8 */
static const char *const NAME_E9 = "mod\xe9le.nerve";

/* Text for a failure message: bytes outside printable ASCII as \xNN, and the middle of a long text left out.
 * Rotates over four static buffers. */
static const char *shown(const char *text)
{
    static char buffers[4][1200];
    static int next;
    char *out = buffers[next++ % 4];
    size_t length = strlen(text), at = 0;
    for (size_t i = 0; i < length && at < sizeof buffers[0] - 8; i++) {
        if (length > 600 && i == 200) {
            at += (size_t)sprintf(out + at, " [... %zu bytes ...] ", length - 500);
            i = length - 300;
        }
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 || c >= 0x7f)
            at += (size_t)sprintf(out + at, "\\x%02x", c);
        else
            out[at++] = (char)c;
    }
    out[at] = '\0';
    return out;
}

/* ---- networks and their bytes ------------------------------------------------------------------------------ */

typedef struct {
    unsigned char *bytes;
    size_t size;
} model_image;

static nerve_net *make_net(int32_t hidden, uint64_t seed)
{
    const int32_t sizes[] = {4, hidden, 2}, acts[] = {NERVE_ACT_TANH, NERVE_ACT_SIGMOID};
    nerve_net *net = NULL;
    CHECK_OK(nerve_create(&net, sizes, 3, acts, NERVE_COST_CROSS_ENTROPY, seed));
    return net;
}

/* The model file's bytes for net (as nerve_save_to_memory gives them); {NULL, 0} on failure. */
static model_image image_of(const nerve_net *net)
{
    model_image m = {NULL, 0};
    size_t size = 0;
    if (!net || nerve_serialized_size(net, &size) != NERVE_OK)
        return m;
    m.bytes = malloc(size);
    if (nerve_save_to_memory(net, m.bytes, size, &m.size) != NERVE_OK) {
        free(m.bytes);
        m.bytes = NULL, m.size = 0;
    }
    return m;
}

static int file_holds(const char *path, model_image m)
{
    size_t size = 0;
    unsigned char *data = read_whole_file(path, &size);
    int same = data && m.bytes && size == m.size && memcmp(data, m.bytes, size) == 0;
    free(data);
    return same;
}

/* nerve_load(path) must give the network whose bytes are m. */
static void check_loads_as(const char *path, model_image m, const char *what)
{
    nerve_net *net = NULL;
    nerve_status s = nerve_load(path, &net);
    if (!CHECK(s == NERVE_OK, "%s: nerve_load returned %d: %s", what, s, shown(nerve_last_error())))
        return;
    model_image got = image_of(net);
    CHECK(got.bytes && m.bytes && got.size == m.size && memcmp(got.bytes, m.bytes, m.size) == 0,
          "%s: the loaded network is not the one saved there", what);
    free(got.bytes);
    nerve_free(net);
}

/* nerve_save(net, path) must succeed. */
static int save_ok(const nerve_net *net, const char *path, const char *what)
{
    nerve_status s = nerve_save(net, path);
    return CHECK(s == NERVE_OK, "%s: nerve_save returned %d: %s", what, s,
                 s == NERVE_OK ? "" : shown(nerve_last_error()));
}

/* ---- directories ------------------------------------------------------------------------------------------- */

/* A fresh directory under $TMPDIR (or /tmp) for one case; malloc'd. */
static char *fresh_dir(void)
{
    const char *base = getenv("TMPDIR");
    char *dir = malloc(PATH_BYTES);
    snprintf(dir, PATH_BYTES, "%s/nerve-files-XXXXXX", base && *base ? base : "/tmp");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        exit(2);
    }
    return dir;
}

static void drop_dir(char *dir)
{
    remove_tree(dir);
    free(dir);
}

static const char *join(char *out, const char *dir, const char *name)
{
    if (snprintf(out, PATH_BYTES, "%s/%s", dir, name) >= PATH_BYTES) {
        fprintf(stderr, "path too long: %s/%s\n", dir, name);
        exit(2);
    }
    return out;
}

static int by_bytes(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

/* The directory's entries, sorted by bytes and joined with '/' (which no name holds); malloc'd, "?" if the
 * directory cannot be read. */
static char *listing(const char *dir)
{
    struct dirent **entries = NULL;
    int n = scandir(dir, &entries, NULL, by_bytes);
    if (n < 0)
        return strdup("?");
    size_t length = 1;
    for (int i = 0; i < n; i++)
        length += strlen(entries[i]->d_name) + 1;
    char *text = calloc(length, 1);
    for (int i = 0; i < n; i++) {
        if (strcmp(entries[i]->d_name, ".") != 0 && strcmp(entries[i]->d_name, "..") != 0) {
            if (text[0])
                strcat(text, "/");
            strcat(text, entries[i]->d_name);
        }
        free(entries[i]);
    }
    free(entries);
    return text;
}

/* The listing must equal `expected` (names sorted by bytes, joined with '/'). */
static int check_listing(const char *dir, const char *expected, const char *what)
{
    char *now = listing(dir);
    int ok = CHECK(strcmp(now, expected) == 0, "%s: the directory holds \"%s\", expected \"%s\"", what, shown(now),
                   shown(expected));
    free(now);
    return ok;
}

static int make_fifo(const char *path) { return mkfifo(path, 0644); }

/* Binds a UNIX socket at path (the node stays after the socket is closed); -1 if the path does not fit. */
static int make_socket(const char *path)
{
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof address.sun_path)
        return -1;
    strcpy(address.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    int bound = bind(fd, (struct sockaddr *)&address, sizeof address);
    close(fd);
    return bound;
}

/* ---- children ---------------------------------------------------------------------------------------------- */

typedef struct {
    nerve_status status;
    int finished;
    long value[2];
    double seconds;
    char message[2048];
} child_report;

typedef void (*child_body)(void *arg, child_report *report);

static void report_status(child_report *r, nerve_status s)
{
    r->status = s;
    snprintf(r->message, sizeof r->message, "%s", s == NERVE_OK ? "" : nerve_last_error());
}

/* Runs body in a child that SIGALRM ends after CHILD_SECONDS. Returns 1 with the child's report, or 0 with what
 * went wrong in `how` (a hang, a crash). */
static int run_child(child_body body, void *arg, child_report *report, char *how, size_t how_size)
{
    memset(report, 0, sizeof *report);
    int fds[2];
    if (pipe(fds) != 0) {
        snprintf(how, how_size, "pipe: %s", strerror(errno));
        return 0;
    }
    fflush(NULL);
    pid_t child = fork();
    if (child < 0) {
        snprintf(how, how_size, "fork: %s", strerror(errno));
        close(fds[0]), close(fds[1]);
        return 0;
    }
    if (child == 0) {
        close(fds[0]);
        signal(SIGALRM, SIG_DFL);
        alarm(CHILD_SECONDS);
        child_report r;
        memset(&r, 0, sizeof r);
        body(arg, &r);
        r.finished = 1;
        const char *at = (const char *)&r;
        size_t left = sizeof r;
        while (left > 0) {
            ssize_t put = write(fds[1], at, left);
            if (put <= 0)
                _exit(3);
            at += put, left -= (size_t)put;
        }
        _exit(0);
    }
    close(fds[1]);
    char *at = (char *)report;
    size_t got = 0;
    while (got < sizeof *report) {
        ssize_t n = read(fds[0], at + got, sizeof *report - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (got == sizeof *report && report->finished)
        return 1;
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
        snprintf(how, how_size, "did not return within %d s", CHILD_SECONDS);
    else if (WIFSIGNALED(status))
        snprintf(how, how_size, "crashed with signal %d", WTERMSIG(status));
    else
        snprintf(how, how_size, "ended with status %d without a report", WEXITSTATUS(status));
    return 0;
}

typedef struct {
    const nerve_net *net;
    const char *path;
    int umask_bits;       /* -1: leave the umask alone */
    int unprivileged;     /* switch to uid/gid 65534 first */
} save_job;

static void save_body(void *arg, child_report *r)
{
    save_job *job = arg;
    if (job->umask_bits >= 0)
        umask((mode_t)job->umask_bits);
    if (job->unprivileged && (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)) {
        r->value[0] = -1; /* could not drop privileges */
        return;
    }
    report_status(r, nerve_save(job->net, job->path));
}

static void load_body(void *arg, child_report *r)
{
    nerve_net *net = NULL;
    report_status(r, nerve_load(arg, &net));
    nerve_free(net);
}

/* The message of a failed save or load must name the caller's file (its last component) and no temporary. */
static void check_message_names(const char *message, const char *path, const char *what)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    CHECK(strstr(message, base) != NULL, "%s: the message does not name \"%s\": %s", what, shown(base),
          shown(message));
    CHECK(strstr(message, ".tmp") == NULL, "%s: the message names a temporary file: %s", what, shown(message));
}

/* nerve_save(net, path) in a child must fail with NERVE_E_IO, naming path. */
static void check_save_fails_in_child(const nerve_net *net, const char *path, const char *what)
{
    save_job job = {net, path, -1, 0};
    child_report r;
    char how[128];
    check_note_error_case();
    if (!CHECK(run_child(save_body, &job, &r, how, sizeof how), "%s: nerve_save %s", what, how))
        return;
    if (CHECK(r.status == NERVE_E_IO, "%s: nerve_save returned %d, expected NERVE_E_IO; message: %s", what,
              r.status, shown(r.message)))
        check_message_names(r.message, path, what);
}

/* ---- paths are bytes ---------------------------------------------------------------------------------------- */

static void paths_are_bytes(const nerve_net *a, const nerve_net *b, model_image ma, model_image mb)
{
    char *dir = fresh_dir();
    char pa[PATH_BYTES], pb[PATH_BYTES], expected[64];
    join(pa, dir, NAME_E8);
    join(pb, dir, NAME_E9);
    CHECK_OK(nerve_save(a, pa));
    CHECK_OK(nerve_save(b, pb));
    /* Byte order: "mod\xe8..." sorts before "mod\xe9...". */
    snprintf(expected, sizeof expected, "%s/%s", NAME_E8, NAME_E9);
    check_listing(dir, expected, "two names that differ in one non-UTF-8 byte");
    struct stat st;
    CHECK(lstat(pa, &st) == 0 && S_ISREG(st.st_mode), "no regular file named \"mod\\xe8le.nerve\"");
    CHECK(lstat(pb, &st) == 0 && S_ISREG(st.st_mode), "no regular file named \"mod\\xe9le.nerve\"");
    CHECK(file_holds(pa, ma), "\"mod\\xe8le.nerve\" does not hold the network saved under that name");
    CHECK(file_holds(pb, mb), "\"mod\\xe9le.nerve\" does not hold the network saved under that name");
    check_loads_as(pa, ma, "load \"mod\\xe8le.nerve\"");
    check_loads_as(pb, mb, "load \"mod\\xe9le.nerve\"");

    /* A directory whose name is not UTF-8, and a name of bytes that never occur in UTF-8. */
    char sub[PATH_BYTES], deep[PATH_BYTES];
    join(sub, dir, "d\xe8");
    if (CHECK(mkdir(sub, 0700) == 0, "mkdir %s", sub)) {
        join(deep, sub, "\xff\xfe\x80.nerve");
        CHECK_OK(nerve_save(a, deep));
        check_listing(sub, "\xff\xfe\x80.nerve", "a model in a directory whose name is not UTF-8");
        check_loads_as(deep, ma, "load from a directory whose name is not UTF-8");
    }
    drop_dir(dir);
}

/* Writes into out a path of exactly `length` bytes: dir, then directories of at most 250-byte names, then a
 * last component of `base` bytes. Creates the directories if asked. Returns 0, or -1 if it cannot. */
static int long_path(char *out, const char *dir, size_t length, size_t base, int create)
{
    size_t at = strlen(dir);
    if (at + 1 + base > length || length >= PATH_BYTES)
        return -1;
    memcpy(out, dir, at);
    size_t middle = length - at - 1 - base; /* bytes of "/name" pieces before the last component */
    size_t pieces = (middle + 250) / 251;
    for (size_t i = 0; i < pieces; i++) {
        size_t piece = middle / (pieces - i); /* spread evenly: each piece 2 .. 251 bytes */
        middle -= piece;
        out[at++] = '/';
        memset(out + at, 'd', piece - 1);
        out[at] = (char)('a' + i % 26);
        at += piece - 1;
        out[at] = '\0';
        if (create && mkdir(out, 0700) != 0)
            return -1;
    }
    out[at++] = '/';
    memset(out + at, 'm', base);
    at += base;
    out[at] = '\0';
    return strlen(out) == length ? 0 : -1;
}

static void overlong_paths(const nerve_net *a)
{
    char *dir = fresh_dir();
    static char path[70000];
    const size_t lengths[] = {4096, 4097, 8192, 65536};
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
        size_t n = lengths[i];
        snprintf(path, sizeof path, "%s/", dir);
        size_t at = strlen(path);
        for (; at < n; at++)
            path[at] = (at % 200 == 0) ? '/' : 'p';
        path[n] = '\0';
        nerve_net *out = NULL;
        if (!CHECK_FAILS(nerve_save(a, path), NERVE_E_INVALID))
            fprintf(stderr, "     (save to a path of %zu bytes)\n", n);
        if (!CHECK_FAILS(nerve_load(path, &out), NERVE_E_INVALID))
            fprintf(stderr, "     (load from a path of %zu bytes)\n", n);
        CHECK(out == NULL, "a refused load of a %zu-byte path wrote *out", n);
    }
    check_listing(dir, "", "saves to overlong paths");

    /* 4,095 bytes is a valid length: a missing file there is an I/O error, not an invalid argument. */
    if (CHECK(long_path(path, dir, 4095, 200, 0) == 0, "cannot build a 4095-byte path")) {
        nerve_net *out = NULL;
        CHECK_FAILS(nerve_load(path, &out), NERVE_E_IO);
        CHECK_FAILS(nerve_save(a, path), NERVE_E_IO);
    }
    check_listing(dir, "", "a failed save to a 4095-byte path");
    drop_dir(dir);
}

/* ---- nodes that are not regular files ----------------------------------------------------------------------- */

static void load_special_nodes(void)
{
    char *dir = fresh_dir();
    char fifo[PATH_BYTES], sub[PATH_BYTES], sock[PATH_BYTES];
    join(fifo, dir, "pipe.nerve");
    join(sub, dir, "dir.nerve");
    join(sock, dir, "sock.nerve");
    CHECK(make_fifo(fifo) == 0, "mkfifo %s", fifo);
    CHECK(mkdir(sub, 0700) == 0, "mkdir %s", sub);
    int have_socket = make_socket(sock) == 0;
    if (!have_socket)
        printf("   (skipped: loading a UNIX socket, it cannot be bound at %s)\n", sock);

    const struct {
        const char *path, *what;
        int wants_regular_message;
    } nodes[] = {
        {fifo, "a FIFO", 1}, {sub, "a directory", 0}, {sock, "a UNIX socket", 0}, {"/dev/null", "/dev/null", 0}};
    for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
        if (nodes[i].path == sock && !have_socket)
            continue;
        child_report r;
        char how[128];
        check_note_error_case();
        if (!CHECK(run_child(load_body, (void *)nodes[i].path, &r, how, sizeof how), "nerve_load of %s %s",
                   nodes[i].what, how))
            continue;
        CHECK(r.status == NERVE_E_IO, "nerve_load of %s returned %d, expected NERVE_E_IO; message: %s",
              nodes[i].what, r.status, shown(r.message));
        if (nodes[i].wants_regular_message)
            CHECK(strstr(r.message, "not a regular file") != NULL,
                  "nerve_load of %s: the message does not say it is not a regular file: %s", nodes[i].what,
                  shown(r.message));
        check_message_names(r.message, nodes[i].path, nodes[i].what);
    }
    struct stat st;
    CHECK(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode), "loading the FIFO changed it");
    drop_dir(dir);
}

static void save_over_special_nodes(const nerve_net *a)
{
    char *dir = fresh_dir();
    char fifo[PATH_BYTES], sub[PATH_BYTES], keep[PATH_BYTES], sock[PATH_BYTES], dev[PATH_BYTES],
        link[PATH_BYTES];
    join(fifo, dir, "pipe.nerve");
    join(sub, dir, "dir.nerve");
    join(sock, dir, "sock.nerve");
    join(dev, dir, "dev.nerve");
    join(link, dir, "to-pipe.nerve");
    join(keep, sub, "keep");
    CHECK(make_fifo(fifo) == 0, "mkfifo %s", fifo);
    CHECK(mkdir(sub, 0700) == 0 && write_whole_file(keep, "k", 1) == 0, "mkdir %s", sub);
    int have_socket = make_socket(sock) == 0;
    if (!have_socket)
        printf("   (skipped: saving over a UNIX socket, it cannot be bound at %s)\n", sock);
    /* A device like /dev/null (1, 3), made here so the real one is never a target. */
    int have_device = geteuid() == 0 && mknod(dev, S_IFCHR | 0666, makedev(1, 3)) == 0;
    if (!have_device)
        printf("   (skipped: saving over a character device, %s)\n",
               geteuid() == 0 ? "mknod is not permitted here" : "mknod needs root");
    CHECK(symlink("pipe.nerve", link) == 0, "symlink %s", link);

    const struct {
        const char *path, *what;
        mode_t type;
        int present;
    } nodes[] = {{fifo, "a FIFO", S_IFIFO, 1},
                 {sock, "a UNIX socket", S_IFSOCK, have_socket},
                 {sub, "a directory", S_IFDIR, 1},
                 {dev, "a character device", S_IFCHR, have_device},
                 {link, "a symbolic link to a FIFO", S_IFLNK, 1}};
    for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
        if (!nodes[i].present)
            continue;
        struct stat before, after;
        if (!CHECK(lstat(nodes[i].path, &before) == 0, "lstat %s", nodes[i].path))
            continue;
        char *listed = listing(dir);
        char what[96];
        snprintf(what, sizeof what, "save over %s", nodes[i].what);
        check_save_fails_in_child(a, nodes[i].path, what);
        int same = lstat(nodes[i].path, &after) == 0 && (after.st_mode & S_IFMT) == nodes[i].type &&
                   after.st_ino == before.st_ino && after.st_dev == before.st_dev &&
                   after.st_rdev == before.st_rdev && after.st_mode == before.st_mode;
        CHECK(same, "%s: the node was replaced or changed", what);
        check_listing(dir, listed, what);
        free(listed);
    }
    check_listing(sub, "keep", "save over a directory: its content");
    struct stat st;
    CHECK(stat(link, &st) == 0 && S_ISFIFO(st.st_mode), "the symbolic link no longer leads to the FIFO");
    drop_dir(dir);
}

/* ---- long names and paths ----------------------------------------------------------------------------------- */

static void long_names(const nerve_net *a, const nerve_net *b, model_image mb)
{
    char *dir = fresh_dir();
    char name[256], path[PATH_BYTES], what[64];
    for (size_t length = 244; length <= 255; length++) {
        memset(name, 'n', length);
        memcpy(name + length - 6, ".nerve", 6);
        name[length] = '\0';
        join(path, dir, name);
        snprintf(what, sizeof what, "a %zu-byte file name", length);
        int saved = save_ok(a, path, what) && save_ok(b, path, what);
        if (saved) {
            CHECK(file_holds(path, mb), "%s: the file does not hold the last network saved", what);
            check_loads_as(path, mb, what);
        }
        check_listing(dir, saved ? name : "", what);
        unlink(path);
    }

    /* A failure names the caller's file, not a temporary one, and leaves nothing. */
    memset(name, 'q', 255);
    name[255] = '\0';
    snprintf(path, sizeof path, "%s/missing/%s", dir, name);
    nerve_status s = nerve_save(a, path);
    if (CHECK(s == NERVE_E_IO, "save into a missing directory returned %d, expected NERVE_E_IO: %s", s,
              s == NERVE_OK ? "(none)" : shown(nerve_last_error())))
        check_message_names(nerve_last_error(), path, "save of a 255-byte name into a missing directory");
    check_listing(dir, "", "a failed save of a 255-byte name");
    drop_dir(dir);
}

static void long_paths(const nerve_net *a, const nerve_net *b, model_image ma, model_image mb)
{
    const struct {
        size_t length, base;
    } shapes[] = {{4075, 255}, {4085, 100}, {4095, 255}, {4095, 1}, {4094, 2}};
    static char path[PATH_BYTES];
    char what[96];
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        char *dir = fresh_dir();
        snprintf(what, sizeof what, "a %zu-byte path ending in a %zu-byte name", shapes[i].length, shapes[i].base);
        if (!CHECK(long_path(path, dir, shapes[i].length, shapes[i].base, 1) == 0, "%s: cannot build it", what)) {
            drop_dir(dir);
            continue;
        }
        char *slash = strrchr(path, '/');
        *slash = '\0';
        char *parent = strdup(path);
        *slash = '/';
        if (save_ok(a, path, what)) {
            check_loads_as(path, ma, what);
            if (save_ok(b, path, what))
                check_loads_as(path, mb, what);
        }
        check_listing(parent, slash + 1, what);

        /* The same length with the last directory missing: the message names the caller's file. */
        char *last_dir = strrchr(parent, '/') + 1;
        size_t offset = (size_t)(last_dir - parent);
        path[offset] = 'X';
        nerve_status s = nerve_save(a, path);
        char failed_what[128];
        snprintf(failed_what, sizeof failed_what, "%s, its directory missing", what);
        if (CHECK(s == NERVE_E_IO, "%s: save returned %d, expected NERVE_E_IO: %s", failed_what, s,
                  s == NERVE_OK ? "(none)" : shown(nerve_last_error())))
            check_message_names(nerve_last_error(), path, failed_what);
        path[offset] = parent[offset];
        check_listing(parent, slash + 1, failed_what);
        free(parent);
        drop_dir(dir);
    }
}

/* ---- permissions and owners --------------------------------------------------------------------------------- */

static void permissions(const nerve_net *a, const nerve_net *b, model_image mb)
{
    char *dir = fresh_dir();
    char path[PATH_BYTES];
    join(path, dir, "model.nerve");
    const mode_t modes[] = {0600, 0640, 0755, 0644, 0444, 0700};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        unlink(path);
        if (!CHECK_OK(nerve_save(a, path)) || !CHECK(chmod(path, modes[i]) == 0, "chmod %s", path))
            continue;
        struct stat st;
        char what[64];
        snprintf(what, sizeof what, "save over a %04o file", (unsigned)modes[i]);
        if (save_ok(b, path, what) && CHECK(stat(path, &st) == 0, "stat %s", path)) {
            CHECK((st.st_mode & 07777) == modes[i], "saving over a %04o file left it %04o", (unsigned)modes[i],
                  (unsigned)(st.st_mode & 07777));
            CHECK(file_holds(path, mb), "saving over a %04o file did not write the new model", (unsigned)modes[i]);
        }
    }
    check_listing(dir, "model.nerve", "saves over files of every mode");
    unlink(path);

    /* A new file: 0666 less the umask (set in a child: the umask belongs to the whole process). */
    const int masks[] = {022, 077, 002, 0};
    for (size_t i = 0; i < sizeof masks / sizeof masks[0]; i++) {
        unlink(path);
        save_job job = {a, path, masks[i], 0};
        child_report r;
        char how[128];
        struct stat st;
        if (!CHECK(run_child(save_body, &job, &r, how, sizeof how), "save under umask %03o %s", masks[i], how) ||
            !CHECK(r.status == NERVE_OK, "save under umask %03o returned %d: %s", masks[i], r.status, shown(r.message)))
            continue;
        if (CHECK(stat(path, &st) == 0, "stat %s", path))
            CHECK((st.st_mode & 07777) == (0666 & ~(mode_t)masks[i]),
                  "a new file under umask %03o got %04o, expected %04o", masks[i], (unsigned)(st.st_mode & 07777),
                  (unsigned)(0666 & ~masks[i]));
    }
    unlink(path);

    /* As root: another user's file keeps its owner, group and mode. */
    if (geteuid() != 0) {
        printf("   (skipped: the owner of a file saved over, it needs root)\n");
    } else if (CHECK_OK(nerve_save(a, path)) && CHECK(chown(path, 1234, 1234) == 0 && chmod(path, 0640) == 0,
                                                      "chown %s", path)) {
        struct stat st;
        if (save_ok(b, path, "save over another user's file") && CHECK(stat(path, &st) == 0, "stat %s", path)) {
            CHECK(st.st_uid == 1234 && st.st_gid == 1234, "saving over a file of 1234:1234 made it %u:%u",
                  (unsigned)st.st_uid, (unsigned)st.st_gid);
            CHECK((st.st_mode & 07777) == 0640, "saving over another user's 0640 file left it %04o",
                  (unsigned)(st.st_mode & 07777));
            CHECK(file_holds(path, mb), "saving over another user's file did not write the new model");
        }
    }
    drop_dir(dir);
}

/* ---- symbolic links ----------------------------------------------------------------------------------------- */

/* path must still be a symbolic link reading `target`. */
static void check_link(const char *path, const char *target, const char *what)
{
    struct stat st;
    char text[PATH_BYTES];
    ssize_t n = readlink(path, text, sizeof text - 1);
    if (n >= 0)
        text[n] = '\0';
    CHECK(lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && n >= 0 && strcmp(text, target) == 0,
          "%s: %s is no longer a symbolic link to %s", what, path, target);
}

static void symlinks(const nerve_net *a, const nerve_net *b, model_image ma, model_image mb)
{
    char *dir = fresh_dir();
    char target[PATH_BYTES], link[PATH_BYTES], sub_a[PATH_BYTES], other[PATH_BYTES], p1[PATH_BYTES],
        p2[PATH_BYTES];
    struct stat st;

    /* A relative link in the same directory. */
    join(target, dir, "target.nerve");
    join(link, dir, "same");
    if (CHECK_OK(nerve_save(a, target)) && CHECK(symlink("target.nerve", link) == 0, "symlink %s", link) &&
        CHECK(chmod(target, 0600) == 0, "chmod %s", target)) {
        const char *what = "save through a link beside its target";
        save_ok(b, link, what);
        check_link(link, "target.nerve", what);
        CHECK(file_holds(target, mb), "%s: the target does not hold the new model", what);
        CHECK(stat(target, &st) == 0 && (st.st_mode & 07777) == 0600, "%s: the 0600 target became %04o", what,
              (unsigned)(st.st_mode & 07777));
        check_loads_as(link, mb, "load through a link beside its target");
        check_listing(dir, "same/target.nerve", what);
    }

    /* A relative link into another directory: the temporary file goes beside the target, nothing beside the link. */
    join(sub_a, dir, "a");
    join(other, dir, "other");
    mkdir(sub_a, 0700), mkdir(other, 0700);
    join(target, other, "model.nerve");
    join(link, sub_a, "link");
    if (CHECK_OK(nerve_save(a, target)) && CHECK(symlink("../other/model.nerve", link) == 0, "symlink %s", link)) {
        const char *what = "save through \"a/link\" -> \"../other/model.nerve\"";
        save_ok(b, link, what);
        check_link(link, "../other/model.nerve", what);
        CHECK(file_holds(target, mb), "%s: the target does not hold the new model", what);
        check_loads_as(link, mb, what);
        check_listing(sub_a, "link", what);
        check_listing(other, "model.nerve", what);
    }

    /* An absolute link. */
    join(link, dir, "absolute");
    if (CHECK(symlink(target, link) == 0, "symlink %s", link)) {
        const char *what = "save through a link to an absolute path";
        save_ok(a, link, what);
        check_link(link, target, what);
        CHECK(file_holds(target, ma), "%s: the target does not hold the new model", what);
        check_listing(other, "model.nerve", what);
    }

    /* A chain of two links: l1 -> l2 -> other/model.nerve. */
    join(p1, dir, "l1");
    join(p2, dir, "l2");
    if (CHECK(symlink("l2", p1) == 0 && symlink("other/model.nerve", p2) == 0, "symlink %s", p1)) {
        const char *what = "save through a chain of two links";
        save_ok(b, p1, what);
        check_link(p1, "l2", what);
        check_link(p2, "other/model.nerve", what);
        CHECK(file_holds(target, mb), "%s: the target does not hold the new model", what);
        check_loads_as(p1, mb, what);
        check_listing(other, "model.nerve", what);
    }
    check_listing(dir, "a/absolute/l1/l2/other/same/target.nerve", "saves through links");

    /* A relative link is read from the directory it is in, as the system reads it: "up" -> "../other/model.nerve"
     * reached as "dirlink/up", where dirlink -> "deep/real", names deep/other/model.nerve, not other/model.nerve. */
    char deep[PATH_BYTES], real[PATH_BYTES], deep_other[PATH_BYTES], deep_target[PATH_BYTES], via[PATH_BYTES];
    join(deep, dir, "deep");
    join(real, deep, "real");
    join(deep_other, deep, "other");
    join(deep_target, deep_other, "model.nerve");
    join(link, real, "up");
    join(p1, dir, "dirlink");
    join(via, p1, "up");
    if (CHECK(mkdir(deep, 0700) == 0 && mkdir(real, 0700) == 0 && mkdir(deep_other, 0700) == 0, "mkdir in %s",
              deep) &&
        CHECK_OK(nerve_save(b, deep_target)) &&
        CHECK(symlink("deep/real", p1) == 0 && symlink("../other/model.nerve", link) == 0, "symlink %s", link)) {
        const char *what = "save through a link reached through a linked directory";
        model_image before = {NULL, 0};
        before.bytes = read_whole_file(target, &before.size);
        save_ok(a, via, what);
        check_link(link, "../other/model.nerve", what);
        CHECK(file_holds(deep_target, ma), "%s: deep/other/model.nerve does not hold the new model", what);
        CHECK(file_holds(target, before), "%s: other/model.nerve was written instead", what);
        free(before.bytes);
        check_listing(real, "up", what);
        check_listing(deep_other, "model.nerve", what);
    }

    /* Dangling links: the save creates the target. */
    join(link, dir, "dangling");
    join(target, dir, "fresh.nerve");
    if (CHECK(symlink("fresh.nerve", link) == 0, "symlink %s", link)) {
        const char *what = "save through a dangling link";
        save_ok(a, link, what);
        check_link(link, "fresh.nerve", what);
        CHECK(lstat(target, &st) == 0 && S_ISREG(st.st_mode) && file_holds(target, ma),
              "%s: the target was not created with the model", what);
    }
    join(link, sub_a, "dangling");
    join(target, other, "new.nerve");
    if (CHECK(symlink("../other/new.nerve", link) == 0, "symlink %s", link)) {
        const char *what = "save through a dangling link into another directory";
        save_ok(b, link, what);
        check_link(link, "../other/new.nerve", what);
        CHECK(lstat(target, &st) == 0 && S_ISREG(st.st_mode) && file_holds(target, mb),
              "%s: the target was not created with the model", what);
        check_listing(sub_a, "dangling/link", what);
        check_listing(other, "model.nerve/new.nerve", what);
    }
    drop_dir(dir);

    /* A loop: an I/O error, and nothing created. */
    dir = fresh_dir();
    join(p1, dir, "loop1");
    join(p2, dir, "loop2");
    if (CHECK(symlink("loop2", p1) == 0 && symlink("loop1", p2) == 0, "symlink %s", p1)) {
        nerve_status s = nerve_save(a, p1);
        check_note_error_case();
        if (CHECK(s == NERVE_E_IO, "save through a link loop returned %d, expected NERVE_E_IO: %s", s,
                  s == NERVE_OK ? "(none)" : shown(nerve_last_error())))
            check_message_names(nerve_last_error(), p1, "save through a link loop");
        check_link(p1, "loop2", "save through a link loop");
        check_link(p2, "loop1", "save through a link loop");
        check_listing(dir, "loop1/loop2", "save through a link loop");
        nerve_net *out = NULL;
        CHECK_FAILS(nerve_load(p1, &out), NERVE_E_IO);
        nerve_free(out);
    }
    drop_dir(dir);
}

/* Relative paths are read from the working directory; it belongs to the whole process, so a child changes it. */
typedef struct {
    const nerve_net *net;
    const char *dir;
} relative_job;

static void relative_body(void *arg, child_report *r)
{
    relative_job *job = arg;
    if (chdir(job->dir) != 0) {
        r->value[0] = -1;
        return;
    }
    static const char *const paths[] = {"bare.nerve", "link", "sub/link", "./sub/../dot.nerve"};
    for (long i = 0; i < 4; i++) {
        r->value[1] = i;
        report_status(r, nerve_save(job->net, paths[i]));
        if (r->status != NERVE_OK)
            return;
        nerve_net *loaded = NULL;
        report_status(r, nerve_load(paths[i], &loaded));
        nerve_free(loaded);
        if (r->status != NERVE_OK)
            return;
    }
}

static void relative_paths(const nerve_net *a, model_image ma)
{
    char *dir = fresh_dir();
    char sub[PATH_BYTES], link[PATH_BYTES], path[PATH_BYTES];
    join(sub, dir, "sub");
    join(link, dir, "link");
    if (!CHECK(mkdir(sub, 0700) == 0, "mkdir %s", sub) ||
        !CHECK(symlink("target.nerve", link) == 0, "symlink %s", link) ||
        !CHECK(symlink("../other.nerve", join(path, sub, "link")) == 0, "symlink %s", path))
        goto done;
    relative_job job = {a, dir};
    child_report r;
    char how[128];
    if (!CHECK(run_child(relative_body, &job, &r, how, sizeof how), "saves to relative paths %s", how))
        goto done;
    if (r.value[0] == -1) {
        printf("   (skipped: relative paths, cannot change to %s)\n", dir);
        goto done;
    }
    static const char *const names[] = {"bare.nerve", "link", "sub/link", "./sub/../dot.nerve"};
    if (!CHECK(r.status == NERVE_OK, "save or load of the relative path \"%s\" returned %d: %s", names[r.value[1]],
               r.status, shown(r.message)))
        goto done;
    CHECK(file_holds(join(path, dir, "bare.nerve"), ma), "a save to \"bare.nerve\" did not write it");
    CHECK(file_holds(join(path, dir, "target.nerve"), ma), "a save to \"link\" did not write its target");
    CHECK(file_holds(join(path, dir, "other.nerve"), ma), "a save to \"sub/link\" did not write its target");
    CHECK(file_holds(join(path, dir, "dot.nerve"), ma), "a save to \"./sub/../dot.nerve\" did not write it");
    check_link(link, "target.nerve", "a save to the relative path \"link\"");
    check_link(join(path, sub, "link"), "../other.nerve", "a save to the relative path \"sub/link\"");
    check_listing(dir, "bare.nerve/dot.nerve/link/other.nerve/sub/target.nerve", "saves to relative paths");
    check_listing(sub, "link", "saves to relative paths");
done:
    drop_dir(dir);
}

/* A link into a directory the saving process cannot write: the temporary file belongs beside the target, so
 * the save fails and the target stays. Root ignores permission bits, so as root the save runs in a child that
 * has given up its privileges; if it cannot, the case is skipped. */
static void symlink_into_read_only_directory(const nerve_net *a, const nerve_net *b, model_image ma)
{
    int root = geteuid() == 0;
    char *dir = fresh_dir();
    char writable[PATH_BYTES], read_only[PATH_BYTES], target[PATH_BYTES], link[PATH_BYTES];
    join(writable, dir, "w");
    join(read_only, dir, "ro");
    join(target, read_only, "model.nerve");
    join(link, writable, "link");
    const char *what = "save through a link into a read-only directory";
    if (!CHECK(mkdir(writable, 0700) == 0 && mkdir(read_only, 0700) == 0, "mkdir in %s", dir) ||
        !CHECK_OK(nerve_save(a, target)) || !CHECK(symlink("../ro/model.nerve", link) == 0, "symlink %s", link))
        goto done;
    chmod(target, 0644);
    chmod(read_only, 0555);
    if (root)
        chmod(dir, 0755), chmod(writable, 0777);

    save_job job = {b, link, -1, root};
    child_report r;
    char how[128];
    if (!CHECK(run_child(save_body, &job, &r, how, sizeof how), "%s: nerve_save %s", what, how))
        goto restore;
    if (r.value[0] == -1) {
        printf("   (skipped: %s, root cannot give up its privileges here)\n", what);
        goto restore;
    }
    check_note_error_case();
    if (CHECK(r.status == NERVE_E_IO, "%s returned %d, expected NERVE_E_IO; message: %s", what, r.status,
              shown(r.message)))
        check_message_names(r.message, link, what);
    check_link(link, "../ro/model.nerve", what);
    CHECK(file_holds(target, ma), "%s: the target changed", what);
    check_listing(writable, "link", what);
    check_listing(read_only, "model.nerve", what);
restore:
    chmod(read_only, 0700);
done:
    drop_dir(dir);
}

/* ---- sizes checked before reading --------------------------------------------------------------------------- */

/* Bytes read by this process so far (rchar of /proc/self/io); -1 if unknown. */
static long bytes_read_so_far(void)
{
    FILE *f = fopen("/proc/self/io", "r");
    if (!f)
        return -1;
    long value = -1;
    char line[128];
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "rchar: %ld", &value) == 1)
            break;
    fclose(f);
    return value;
}

/* Address space this process maps now (VmSize of /proc/self/status), in bytes; -1 if unknown. */
static long mapped_bytes(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    long kib = -1;
    char line[256];
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmSize: %ld kB", &kib) == 1)
            break;
    fclose(f);
    return kib < 0 ? -1 : kib * 1024;
}

static double seconds_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Loads, measuring the time taken and the bytes read: value[0] = bytes read (-1 if unknown). */
static void measured_load_body(void *arg, child_report *r)
{
    long before = bytes_read_so_far();
    double start = seconds_now();
    nerve_net *net = NULL;
    nerve_status s = nerve_load(arg, &net);
    r->seconds = seconds_now() - start;
    long after = bytes_read_so_far();
    report_status(r, s);
    r->value[0] = before < 0 || after < 0 ? -1 : after - before;
    nerve_free(net);
}

enum { LIMIT_HEADROOM = 256 << 20 };

/* Loads with the address space limited to 256 MiB above what the process already maps: a loader that allocates
 * the file's size fails with NERVE_E_NOMEM. value[0] = -1 if the limit could not be set. */
static void limited_load_body(void *arg, child_report *r)
{
    long mapped = mapped_bytes();
    struct rlimit limit = {(rlim_t)mapped + LIMIT_HEADROOM, (rlim_t)mapped + LIMIT_HEADROOM};
    if (mapped < 0 || setrlimit(RLIMIT_AS, &limit) != 0) {
        r->value[0] = -1;
        return;
    }
    nerve_net *net = NULL;
    report_status(r, nerve_load(arg, &net));
    nerve_free(net);
}

/* A file of `size` bytes that starts with `head` and is a hole after it. */
static int sparse_file(const char *path, const void *head, size_t head_size, off_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    int ok = write(fd, head, head_size) == (ssize_t)head_size && ftruncate(fd, size) == 0;
    return (close(fd) == 0 && ok) ? 0 : -1;
}

static void sizes_before_reading(const nerve_net *small, model_image m)
{
    char *dir = fresh_dir();
    char head64[PATH_BYTES], header[PATH_BYTES], garbage[PATH_BYTES], valid[PATH_BYTES], truncated[PATH_BYTES],
        extra[PATH_BYTES];
    join(head64, dir, "sparse-64.nerve");
    join(header, dir, "sparse-header.nerve");
    join(garbage, dir, "garbage-2g.nerve");
    join(valid, dir, "valid.nerve");
    join(truncated, dir, "truncated.nerve");
    join(extra, dir, "extra.nerve");

    /* The header is what precedes the parameters and the CRC. */
    size_t header_size = m.size - 4 * (size_t)nerve_parameter_count(small) - 4;
    unsigned char junk[64];
    memset(junk, 0xa5, sizeof junk);
    const off_t mib = 1 << 20;
    if (!CHECK(m.size > 64 && header_size >= 64 && header_size < m.size, "unexpected model size %zu", m.size) ||
        !CHECK(sparse_file(head64, m.bytes, 64, 512 * mib) == 0, "cannot make %s", head64) ||
        !CHECK(sparse_file(header, m.bytes, header_size, 512 * mib) == 0, "cannot make %s", header) ||
        !CHECK(sparse_file(garbage, junk, sizeof junk, 2048 * mib) == 0, "cannot make %s", garbage) ||
        !CHECK(write_whole_file(valid, m.bytes, m.size) == 0, "cannot write %s", valid))
        goto done;

    /* Quickly, and without reading the file. */
    const struct {
        const char *path, *what;
    } sparse[] = {{head64, "a 512 MiB file starting with a model's first 64 bytes"},
                  {header, "a 512 MiB file starting with a model's whole header"}};
    for (size_t i = 0; i < 2; i++) {
        child_report r;
        char how[128];
        check_note_error_case();
        if (!CHECK(run_child(measured_load_body, (void *)sparse[i].path, &r, how, sizeof how), "loading %s %s",
                   sparse[i].what, how))
            continue;
        CHECK(r.status == NERVE_E_FORMAT, "loading %s returned %d, expected NERVE_E_FORMAT; message: %s",
              sparse[i].what, r.status, shown(r.message));
        CHECK(r.seconds < 2.0, "loading %s took %.2f s", sparse[i].what, r.seconds);
        if (r.value[0] >= 0)
            CHECK(r.value[0] < 16 * mib, "loading %s read %ld bytes of it", sparse[i].what, r.value[0]);
        else
            printf("   (skipped: bytes read while loading, /proc/self/io cannot be read)\n");
    }

    /* Without allocating the file's size. */
    if (SANITIZED) {
        printf("   (skipped: loads under an address-space limit, a sanitizer reserves more address space)\n");
    } else {
        const struct {
            const char *path, *what;
            nerve_status expected;
        } limited[] = {{valid, "a valid model (the limit leaves room for it)", NERVE_OK},
                       {head64, "a 512 MiB file starting with a model's first 64 bytes", NERVE_E_FORMAT},
                       {header, "a 512 MiB file starting with a model's whole header", NERVE_E_FORMAT},
                       {garbage, "a 2 GiB file starting with garbage", NERVE_E_FORMAT}};
        for (size_t i = 0; i < sizeof limited / sizeof limited[0]; i++) {
            child_report r;
            char how[128];
            if (limited[i].expected != NERVE_OK)
                check_note_error_case();
            if (!CHECK(run_child(limited_load_body, (void *)limited[i].path, &r, how, sizeof how),
                       "loading %s under an address-space limit %s", limited[i].what, how))
                continue;
            if (r.value[0] == -1) {
                printf("   (skipped: loads under an address-space limit, it cannot be set)\n");
                break;
            }
            CHECK(r.status == limited[i].expected,
                  "loading %s with 256 MiB of address space to spare returned %d, expected %d; message: %s",
                  limited[i].what, r.status, limited[i].expected, shown(r.message));
        }
    }

    /* A model 10 bytes short, and one with a byte too many. */
    nerve_net *out = NULL;
    if (CHECK(write_whole_file(truncated, m.bytes, m.size - 10) == 0, "cannot write %s", truncated) &&
        CHECK_FAILS(nerve_load(truncated, &out), NERVE_E_FORMAT))
        CHECK(strstr(nerve_last_error(), "truncated") != NULL,
              "a model 10 bytes short: the message does not say it is truncated: %s", shown(nerve_last_error()));
    unsigned char *longer = malloc(m.size + 1);
    memcpy(longer, m.bytes, m.size);
    longer[m.size] = 0;
    if (CHECK(write_whole_file(extra, longer, m.size + 1) == 0, "cannot write %s", extra))
        CHECK_FAILS(nerve_load(extra, &out), NERVE_E_FORMAT);
    free(longer);
    CHECK(out == NULL, "a refused load wrote *out");
    check_loads_as(valid, m, "the valid model beside them");
done:
    drop_dir(dir);
}

/* ---- errno and leftovers ------------------------------------------------------------------------------------ */

static void errno_kept(const nerve_net *a)
{
    char *dir = fresh_dir();
    char path[PATH_BYTES];
    join(path, dir, "model.nerve");
    errno = 0;
    nerve_status s = nerve_save(a, path);
    int after_new = errno;
    CHECK_OK(s);
    CHECK(after_new == 0, "a successful save of a new file left errno %d (%s), it was 0", after_new,
          strerror(after_new));
    errno = 0;
    s = nerve_save(a, path);
    int after_over = errno;
    CHECK_OK(s);
    CHECK(after_over == 0, "a successful save over a file left errno %d (%s), it was 0", after_over,
          strerror(after_over));
    drop_dir(dir);
}

static void failed_saves_leave_nothing(const nerve_net *a)
{
    char *dir = fresh_dir();
    char path[PATH_BYTES], plain[PATH_BYTES];
    snprintf(path, sizeof path, "%s/missing/model.nerve", dir);
    nerve_status s = nerve_save(a, path);
    check_note_error_case();
    if (CHECK(s == NERVE_E_IO, "save into a missing directory returned %d, expected NERVE_E_IO: %s", s,
              s == NERVE_OK ? "(none)" : shown(nerve_last_error())))
        check_message_names(nerve_last_error(), path, "save into a missing directory");
    check_listing(dir, "", "a save into a missing directory");

    join(plain, dir, "plain");
    write_whole_file(plain, "x", 1);
    snprintf(path, sizeof path, "%s/plain/model.nerve", dir);
    CHECK_FAILS(nerve_save(a, path), NERVE_E_IO);
    check_listing(dir, "plain", "a save below a regular file");
    drop_dir(dir);
}

void test_files_hostile(void)
{
    double start = seconds_now();
    long cases_before = check_error_cases();
    nerve_net *a = make_net(3, 1), *b = make_net(5, 2);
    model_image ma = image_of(a), mb = image_of(b);
    if (!CHECK(ma.bytes && mb.bytes, "cannot serialize the test networks"))
        goto done;
    paths_are_bytes(a, b, ma, mb);
    overlong_paths(a);
    load_special_nodes();
    save_over_special_nodes(a);
    long_names(a, b, mb);
    long_paths(a, b, ma, mb);
    permissions(a, b, mb);
    symlinks(a, b, ma, mb);
    symlink_into_read_only_directory(a, b, ma);
    relative_paths(a, ma);
    sizes_before_reading(a, ma);
    errno_kept(a);
    failed_saves_leave_nothing(a);
    printf("   files_hostile: %ld error cases, %.1f s\n", check_error_cases() - cases_before, seconds_now() - start);
done:
    free(ma.bytes);
    free(mb.bytes);
    nerve_free(a);
    nerve_free(b);
}

