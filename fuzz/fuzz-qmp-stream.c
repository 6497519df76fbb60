/*
 * The QMP message stream as a client reads it from QEMU's monitor socket:
 * the input is what the peer sends (greeting, replies, events, garbage) on
 * a socketpair whose writing side is then shut, and the real client does
 * the handshake and a series of commands until the connection is unusable.
 * All bytes are there before the client reads, so no exchange waits.
 */
#include "fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qemu/qmp.h"

/* Small limits so inputs of fuzzing size reach the size and depth checks. */
static const VcQmpLimits limits = { 1000, 16 * 1024, 16 };

static const char *const commands[] = {
    "query-version", "query-target", "query-qmp-schema", "query-kvm",
    "qom-list-types", "query-machines", "query-cpu-definitions",
    "query-cpu-model-expansion",
};

/* Queue the input on the peer's side; what does not fit in the socket
 * buffer is dropped (libFuzzer's -max_len keeps inputs well below it). */
static void
feed(int peer, const uint8_t *data, size_t size)
{
    fcntl(peer, F_SETFL, O_NONBLOCK);
    while (size) {
        ssize_t n = write(peer, data, size);

        if (n <= 0)
            break;
        data += n;
        size -= (size_t)n;
    }
    shutdown(peer, SHUT_WR);
}

static void
converse(VcQmpClient *client)
{
    if (!vc_qmp_handshake(client, NULL))
        return;
    for (gsize i = 0; i < G_N_ELEMENTS(commands); i++) {
        g_autoptr(VcJson) ret = NULL;
        g_autoptr(GError) error = NULL;

        if (!vc_qmp_execute(client, commands[i], NULL, &ret, &error) &&
            !g_error_matches(error, VC_QEMU_ERROR, VC_QEMU_ERROR_COMMAND))
            return;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(VcQmpClient) client = NULL;
    int fds[2];

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
        vc_fuzz_fail("socketpair", g_strerror(errno));
    feed(fds[1], data, size);
    client = vc_qmp_client_new(fds[0], &limits);
    converse(client);
    g_clear_pointer(&client, vc_qmp_client_free);
    close(fds[1]);
    return 0;
}
