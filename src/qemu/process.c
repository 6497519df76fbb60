/*
 * process.c - start, watch and reap one probing QEMU (see process.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qemu/process.h"

/* How long a process gets between SIGTERM and SIGKILL. */
#define TERM_GRACE_US (500 * 1000)
/* How long a process that closed its monitor gets to finish dying, so that
 * a crash is reported as a crash rather than as a closed connection. */
#define DEATH_WAIT_US (300 * 1000)

struct _VcQemuProcess {
    char *binary;      /* as the caller named it, for messages */
    char *dir;         /* private 0700 directory */
    char *sock;
    char *errlog;
    pid_t pid;         /* 0 before the start */
    gboolean reaped;
    int status;        /* waitpid status once reaped */
    VcQmpClient *client;
    VcQemuProcessOptions opts;
};

/* What the child keeps: the environment is rebuilt, not inherited. */
static const char *const child_env[] = {
    "PATH=/usr/local/bin:/usr/bin:/bin",
    "LC_ALL=C",
    NULL,
};

/* Signals whose "ignored" disposition would otherwise survive exec. */
static const int reset_signals[] = { SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD };

VcQmpClient *
vc_qemu_process_client(VcQemuProcess *p)
{
    return p->client;
}

const char *
vc_qemu_process_binary(const VcQemuProcess *p)
{
    return p->binary;
}

static gboolean
poll_exit(VcQemuProcess *p)
{
    pid_t rc;

    if (p->reaped || p->pid <= 0)
        return TRUE;
    do
        rc = waitpid(p->pid, &p->status, WNOHANG);
    while (rc < 0 && errno == EINTR);
    if (rc == p->pid || (rc < 0 && errno == ECHILD))
        p->reaped = TRUE;
    return p->reaped;
}

static gboolean
wait_exit(VcQemuProcess *p, gint64 timeout_us)
{
    gint64 deadline = g_get_monotonic_time() + timeout_us;
    gulong delay = 200;

    while (!poll_exit(p)) {
        if (g_get_monotonic_time() >= deadline)
            return FALSE;
        g_usleep(delay);
        delay = MIN(delay * 2, 5000);
    }
    return TRUE;
}

/* Only async-signal-safe calls between fork and exec. */
static G_GNUC_NORETURN void
child_exec(const char *path, char **argv, int devnull, int errfd, int report_fd, pid_t parent)
{
    sigset_t none;
    int err;

    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(reset_signals); i++)
        signal(reset_signals[i], SIG_DFL);
    if (dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 || dup2(errfd, 2) < 0)
        err = errno;
    else {
        execve(path, argv, (char **)child_env);
        err = errno;
    }
    if (write(report_fd, &err, sizeof(err)) < 0)
        _exit(127);
    _exit(127);
}

/* fork + exec with an error pipe, so that "cannot execute" is reported by
 * the parent with the real errno. */
static gboolean
spawn_child(VcQemuProcess *p, const char *path, const char *accel, GError **error)
{
    g_autofree char *machine = g_strdup_printf("none,accel=%s", accel);
    g_autofree char *qmp = g_strdup_printf("unix:%s,server=on,wait=off", p->sock);
    char *argv[] = { (char *)path, "-S", "-no-user-config", "-nodefaults", "-nographic",
                     "-machine", machine, "-qmp", qmp, NULL };
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    int errfd = open(p->errlog, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    int report[2] = { -1, -1 };
    pid_t parent = getpid();
    int child_errno = 0;
    ssize_t n = -1;

    if (devnull < 0 || errfd < 0 || pipe2(report, O_CLOEXEC) < 0 || (p->pid = fork()) < 0) {
        g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_PROCESS, "%s: cannot start: %s",
                    p->binary, g_strerror(errno));
        p->pid = 0;
    } else if (p->pid == 0) {
        child_exec(path, argv, devnull, errfd, report[1], parent);
    } else {
        close(report[1]);
        report[1] = -1;
        do
            n = read(report[0], &child_errno, sizeof(child_errno));
        while (n < 0 && errno == EINTR);
        if (n == sizeof(child_errno)) {
            wait_exit(p, G_USEC_PER_SEC);
            g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_PROCESS, "%s: cannot execute: %s",
                        p->binary, g_strerror(child_errno));
        } else if (n != 0) {
            g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_PROCESS,
                        "%s: cannot start: lost the exec status of the child", p->binary);
        }
    }
    for (gsize i = 0; i < 2; i++)
        if (report[i] >= 0)
            close(report[i]);
    if (devnull >= 0)
        close(devnull);
    if (errfd >= 0)
        close(errfd);
    return p->pid > 0 && n == 0;
}

/* QEMU creates the socket some 25 ms after exec: poll for it, watching
 * the child, until the deadline. */
static int
connect_socket(VcQemuProcess *p, GError **error)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    gint64 deadline = g_get_monotonic_time() + (gint64)p->opts.limits.timeout_ms * 1000;
    gulong delay = 250;

    g_strlcpy(addr.sun_path, p->sock, sizeof(addr.sun_path));
    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int err;

        if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
            return fd;
        err = errno;
        if (fd >= 0)
            close(fd);
        if (fd < 0 || (err != ENOENT && err != ECONNREFUSED)) {
            g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_IO, "cannot connect to %s: %s",
                        p->sock, g_strerror(err));
            return -1;
        }
        if (poll_exit(p)) {
            g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_PROCESS,
                        "ended before opening its QMP socket (is it QEMU?)");
            return -1;
        }
        if (g_get_monotonic_time() >= deadline) {
            g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_TIMEOUT,
                        "did not open its QMP socket within %.1f s",
                        p->opts.limits.timeout_ms / 1000.0);
            return -1;
        }
        g_usleep(delay);
        delay = MIN(delay * 2, 10000);
    }
}

static gboolean
make_private_dir(VcQemuProcess *p, GError **error)
{
    const char *parent = p->opts.tmpdir ? p->opts.tmpdir : g_get_tmp_dir();
    g_autofree char *tmpl = g_build_filename(parent, "virtcaps-qmp-XXXXXX", NULL);
    struct sockaddr_un addr;

    if (!g_mkdtemp_full(tmpl, 0700)) {
        g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_PROCESS,
                    "%s: cannot create a private directory in %s: %s", p->binary, parent,
                    g_strerror(errno));
        return FALSE;
    }
    p->dir = g_steal_pointer(&tmpl);
    p->sock = g_build_filename(p->dir, "qmp.sock", NULL);
    p->errlog = g_build_filename(p->dir, "stderr", NULL);
    if (strlen(p->sock) >= sizeof(addr.sun_path)) {
        g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_PROCESS,
                    "%s: socket path %s is too long; set TMPDIR to a shorter directory",
                    p->binary, p->sock);
        return FALSE;
    }
    return TRUE;
}

static char *
resolve_binary(const char *binary, GError **error)
{
    char *path;

    if (strchr(binary, '/'))
        return g_strdup(binary);
    if (!(path = g_find_program_in_path(binary)))
        g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_PROCESS, "%s: not found in PATH", binary);
    return path;
}

VcQemuProcess *
vc_qemu_process_start(const char *binary, const char *accel, const VcQemuProcessOptions *opts,
                      GError **error)
{
    g_autoptr(VcQemuProcess) p = g_new0(VcQemuProcess, 1);
    g_autofree char *path = NULL;
    int fd;

    p->binary = g_strdup(binary);
    if (opts)
        p->opts = *opts;
    if (!p->opts.limits.timeout_ms)
        p->opts.limits.timeout_ms = VC_QMP_DEFAULT_TIMEOUT_MS;
    if (!(path = resolve_binary(binary, error)) || !make_private_dir(p, error) ||
        !spawn_child(p, path, accel, error))
        return NULL;
    if ((fd = connect_socket(p, error)) < 0) {
        vc_qemu_process_explain(p, NULL, error);
        return NULL;
    }
    p->client = vc_qmp_client_new(fd, &p->opts.limits);
    if (!vc_qmp_read_greeting(p->client, NULL, error)) {
        vc_qemu_process_explain(p, NULL, error);
        return NULL;
    }
    return g_steal_pointer(&p);
}

/* The last non-empty line QEMU wrote to stderr, printable ASCII only. */
static char *
last_stderr_line(const VcQemuProcess *p)
{
    g_autofree char *text = NULL;
    gsize len = 0;
    g_auto(GStrv) lines = NULL;

    if (!p->errlog || !g_file_get_contents(p->errlog, &text, &len, NULL))
        return NULL;
    lines = g_strsplit(text, "\n", -1);
    for (gint i = (gint)g_strv_length(lines) - 1; i >= 0; i--) {
        GString *out = g_string_new(NULL);

        for (const char *c = lines[i]; *c && out->len < 200; c++)
            g_string_append_c(out, g_ascii_isprint(*c) ? *c : '?');
        g_strstrip(out->str);
        if (out->str[0])
            return g_string_free(out, FALSE);
        g_string_free(out, TRUE);
    }
    return NULL;
}

static char *
describe_death(const VcQemuProcess *p)
{
    g_autofree char *line = last_stderr_line(p);
    g_autofree char *how = NULL;

    if (WIFSIGNALED(p->status))
        how = g_strdup_printf("it was killed by signal %d (%s)", WTERMSIG(p->status),
                              g_strsignal(WTERMSIG(p->status)));
    else
        how = g_strdup_printf("it exited with status %d", WEXITSTATUS(p->status));
    return line ? g_strdup_printf("%s; stderr: %s", how, line) : g_steal_pointer(&how);
}

void
vc_qemu_process_explain(VcQemuProcess *p, const char *command, GError **error)
{
    if (!error || !*error)
        return;
    if (g_error_matches(*error, VC_QEMU_ERROR, VC_QEMU_ERROR_EOF) ||
        g_error_matches(*error, VC_QEMU_ERROR, VC_QEMU_ERROR_IO))
        wait_exit(p, DEATH_WAIT_US);
    if (poll_exit(p) && p->pid > 0) {
        g_autofree char *death = describe_death(p);
        char *msg = g_strdup_printf("%s (%s)", (*error)->message, death);

        g_free((*error)->message);
        (*error)->message = msg;
    }
    if (command)
        g_prefix_error(error, "%s: %s: ", p->binary, command);
    else
        g_prefix_error(error, "%s: ", p->binary);
}

static void
remove_dir(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);

        unlink(path);
    }
    rmdir(dir);
}

void
vc_qemu_process_stop(VcQemuProcess *p)
{
    if (!p)
        return;
    vc_qmp_client_free(p->client);
    if (p->pid > 0 && !poll_exit(p)) {
        kill(p->pid, SIGTERM);
        if (!wait_exit(p, TERM_GRACE_US)) {
            kill(p->pid, SIGKILL);
            while (waitpid(p->pid, &p->status, 0) < 0 && errno == EINTR)
                ;
        }
    }
    if (p->dir)
        remove_dir(p->dir);
    g_free(p->binary);
    g_free(p->dir);
    g_free(p->sock);
    g_free(p->errlog);
    g_free(p);
}
