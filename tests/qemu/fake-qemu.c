/*
 * fake-qemu: a stand-in for qemu-system-* that misbehaves on purpose.
 *
 * It takes QEMU's probing command line (only -qmp unix:PATH,... matters) and
 * picks its behaviour from its own name, fake-qemu-MODE (the tests symlink
 * it, since the probe gives its child a clean environment).  In the normal
 * modes it answers query-version, query-target and query-kvm plausibly and
 * every other command with {"return": {}}, which the probe must survive.
 * fake-qemu-count behaves like good and appends a line to EXE.probes (EXE:
 * its own canonical path) per start, so cache tests can count probes.
 * fake-qemu-close closes the socket and lives on, fake-qemu-midreply stops
 * half-way through a reply, fake-qemu-huge100 streams a 100 MB reply.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib.h>
#include <json-c/json.h>

typedef struct {
    const char *name;
    int exit_status;        /* exit before the socket with this status (-1: no) */
    gboolean no_socket;     /* never create the socket */
    gboolean no_greeting;   /* accept, then say nothing */
    gboolean ignore_term;
    int crash_after;        /* commands answered before SIGSEGV (-1: never) */
    int silent_after;       /* commands answered before going quiet (-1: never) */
    const char *bad_reply;  /* sent instead of the second reply */
    gboolean events;        /* an event before every reply */
    gsize huge_reply;       /* the second reply carries a string of this size */
    int close_after;        /* commands answered before closing the socket (-1: never) */
    gboolean half_reply;    /* the second reply stops half-way, then nothing */
} FakeMode;

static const FakeMode modes[] = {
    { "good", -1, FALSE, FALSE, FALSE, -1, -1, NULL, FALSE, 0, -1, FALSE },
    { "exit", 1, FALSE, FALSE, FALSE, -1, -1, NULL, FALSE, 0, -1, FALSE },
    { "nosocket", -1, TRUE, FALSE, FALSE, -1, -1, NULL, FALSE, 0, -1, FALSE },
    { "hang", -1, FALSE, TRUE, FALSE, -1, -1, NULL, FALSE, 0, -1, FALSE },
    { "stubborn", -1, FALSE, TRUE, TRUE, -1, -1, NULL, FALSE, 0, -1, FALSE },
    { "crash", -1, FALSE, FALSE, FALSE, 4, -1, NULL, FALSE, 0, -1, FALSE },
    { "silent", -1, FALSE, FALSE, FALSE, -1, 3, NULL, FALSE, 0, -1, FALSE },
    { "garbage", -1, FALSE, FALSE, FALSE, -1, -1, "{\"return\": [1, 2,, }\r\n", FALSE, 0, -1,
      FALSE },
    { "wrongid", -1, FALSE, FALSE, FALSE, -1, -1, "{\"return\": {}, \"id\": \"bogus-7\"}\r\n",
      FALSE, 0, -1, FALSE },
    { "notobject", -1, FALSE, FALSE, FALSE, -1, -1, "[\"return\"]\r\n", FALSE, 0, -1, FALSE },
    { "deep", -1, FALSE, FALSE, FALSE, -1, -1, "DEEP", FALSE, 0, -1, FALSE },
    { "huge", -1, FALSE, FALSE, FALSE, -1, -1, NULL, FALSE, 2 * 1024 * 1024, -1, FALSE },
    { "huge100", -1, FALSE, FALSE, FALSE, -1, -1, NULL, FALSE, 100 * 1024 * 1024, -1, FALSE },
    { "events", -1, FALSE, FALSE, FALSE, -1, -1, NULL, TRUE, 0, -1, FALSE },
    { "count", -1, FALSE, FALSE, FALSE, -1, -1, NULL, FALSE, 0, -1, FALSE },
    { "close", -1, FALSE, FALSE, FALSE, -1, -1, NULL, FALSE, 0, 2, FALSE },
    { "midreply", -1, FALSE, FALSE, FALSE, -1, -1, NULL, FALSE, 0, -1, TRUE },
};

/* Plausible answers; everything else gets {}. */
static const struct {
    const char *execute;
    const char *ret;
} answers[] = {
    { "query-version", "{\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, \"package\": \"fake\"}" },
    { "query-target", "{\"arch\": \"x86_64\"}" },
    { "query-kvm", "{\"enabled\": false, \"present\": false}" },
};

static const FakeMode *
find_mode(const char *argv0)
{
    g_autofree char *base = g_path_get_basename(argv0);
    const char *name = g_str_has_prefix(base, "fake-qemu-") ? base + strlen("fake-qemu-") : "good";

    for (gsize i = 0; i < G_N_ELEMENTS(modes); i++)
        if (strcmp(modes[i].name, name) == 0)
            return &modes[i];
    fprintf(stderr, "fake-qemu: unknown mode %s\n", name);
    exit(2);
}

static char *
socket_path(int argc, char **argv)
{
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], "-qmp") == 0 && g_str_has_prefix(argv[i + 1], "unix:")) {
            const char *p = argv[i + 1] + 5;

            return g_strndup(p, strcspn(p, ","));
        }
    }
    fprintf(stderr, "fake-qemu: no -qmp unix: option\n");
    exit(2);
}

static void
hang(void)
{
    for (;;)
        pause();
}

static void
send_text(int fd, const char *text, gsize len)
{
    while (len > 0) {
        ssize_t n = write(fd, text, len);

        if (n <= 0)
            exit(0);
        text += n;
        len -= (gsize)n;
    }
}

static void
send_str(int fd, const char *text)
{
    send_text(fd, text, strlen(text));
}

static int
serve_socket(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    int fd;

    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lfd, 1) < 0) {
        fprintf(stderr, "fake-qemu: cannot listen on %s: %s\n", path, strerror(errno));
        exit(1);
    }
    if ((fd = accept(lfd, NULL, NULL)) < 0)
        exit(1);
    return fd;
}

/* One command line (our client sends one JSON object per line). */
static json_object *
read_command(int fd)
{
    GString *line = g_string_new(NULL);
    char c;
    json_object *cmd;

    for (;;) {
        ssize_t n = read(fd, &c, 1);

        if (n <= 0)
            exit(0);
        if (c == '\n')
            break;
        g_string_append_c(line, c);
    }
    cmd = json_tokener_parse(line->str);
    g_string_free(line, TRUE);
    return cmd;
}

static char *
make_reply(const FakeMode *m, int index, json_object *cmd)
{
    const char *execute = json_object_get_string(json_object_object_get(cmd, "execute"));
    const char *id = json_object_to_json_string(json_object_object_get(cmd, "id"));
    const char *ret = "{}";

    if (index == 1 && m->bad_reply && strcmp(m->bad_reply, "DEEP") == 0) {
        g_autofree char *open = g_strnfill(200, '[');
        g_autofree char *close = g_strnfill(200, ']');

        return g_strdup_printf("{\"return\": %s%s, \"id\": %s}\r\n", open, close, id);
    }
    if (index == 1 && m->bad_reply)
        return g_strdup(m->bad_reply);
    for (gsize i = 0; execute && i < G_N_ELEMENTS(answers); i++)
        if (strcmp(execute, answers[i].execute) == 0)
            ret = answers[i].ret;
    return g_strdup_printf("{\"return\": %s, \"id\": %s}\r\n", ret, id);
}

/* A reply whose string is size bytes, streamed: 100 MB need not be held.
 * A client that gives up closes the socket, and the write ends us. */
static void
send_huge(int fd, json_object *cmd, gsize size)
{
    const char *id = json_object_to_json_string(json_object_object_get(cmd, "id"));
    g_autofree char *chunk = g_strnfill(64 * 1024, 'x');
    g_autofree char *tail = g_strdup_printf("\", \"id\": %s}\r\n", id);

    signal(SIGPIPE, SIG_DFL);
    send_str(fd, "{\"return\": \"");
    for (gsize left = size; left > 0;) {
        gsize n = MIN(left, 64 * 1024);

        send_text(fd, chunk, n);
        left -= n;
    }
    send_str(fd, tail);
}

/* One line per start, appended in one write (O_APPEND keeps concurrent
 * starts from overwriting each other). */
static void
count_start(void)
{
    g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
    g_autofree char *path = g_strconcat(exe ? exe : "fake-qemu", ".probes", NULL);
    g_autofree char *line = g_strdup_printf("%d\n", (int)getpid());
    FILE *f = fopen(path, "a");

    if (!f || fputs(line, f) == EOF || fclose(f) == EOF) {
        fprintf(stderr, "fake-qemu: cannot append to %s\n", path);
        exit(1);
    }
}

static void
crash(void)
{
    struct rlimit none = { 0, 0 };

    setrlimit(RLIMIT_CORE, &none);
    signal(SIGSEGV, SIG_DFL);
    raise(SIGSEGV);
    abort();
}

int
main(int argc, char **argv)
{
    const FakeMode *m = find_mode(argv[0]);
    g_autofree char *path = socket_path(argc, argv);
    int fd;

    if (strcmp(m->name, "count") == 0)
        count_start();
    if (m->ignore_term)
        signal(SIGTERM, SIG_IGN);
    if (m->exit_status >= 0) {
        fprintf(stderr, "fake-qemu: warning: something\nfake-qemu: unsupported machine type\n");
        return m->exit_status;
    }
    if (m->no_socket)
        hang();
    fd = serve_socket(path);
    if (m->no_greeting)
        hang();
    send_str(fd, "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, "
                 "\"package\": \"fake\"}, \"capabilities\": [\"oob\"]}}\r\n");
    for (int i = 0;; i++) {
        json_object *cmd = read_command(fd);
        g_autofree char *reply = NULL;

        if (i == m->crash_after)
            crash();
        if (i == m->silent_after)
            hang();
        if (i == m->close_after) {
            close(fd);   /* the process lives on: only the socket is gone */
            hang();
        }
        if (m->events)
            send_str(fd, "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, "
                         "\"event\": \"RESUME\"}\r\n");
        if (i == 1 && m->huge_reply) {
            send_huge(fd, cmd, m->huge_reply);
            json_object_put(cmd);
            continue;
        }
        reply = make_reply(m, i, cmd);
        send_text(fd, reply, m->half_reply && i == 1 ? strlen(reply) / 2 : strlen(reply));
        if (m->half_reply && i == 1)
            hang();
        json_object_put(cmd);
    }
}
