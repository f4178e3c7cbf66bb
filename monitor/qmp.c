/* SPDX-License-Identifier: MIT */
/* QMP: JSON machine protocol server on a tcp or unix socket (jansson). */
#include "config-host.h"
#include "machina/monitor.h"
#include "machina/cpu.h"
#include "machina/log.h"
#include "machina/machine.h"
#include "machina/main-loop.h"
#include "machina/ui.h"

#ifdef CONFIG_JANSSON
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

/* A client sending more than this without completing a value is cut. */
#define QMP_BUF_MAX (64 * 1024)

typedef struct QmpServer {
    int listen_fd;
    int fd;                     /* client, -1 when none */
    bool negotiated;            /* qmp_capabilities done */
    char *buf;
    size_t len;
    int depth;                  /* {[ nesting of the value being read */
    bool in_string, escape;
    struct QmpServer *next;
} QmpServer;

static QmpServer *qmp_servers;

static void qmp_accept(void *opaque);

typedef json_t *QmpHandler(QmpServer *s, json_t *args, json_t **err);

static json_t *qmp_error(const char *cls, const char *desc)
{
    return json_pack("{s:s,s:s}", "class", cls, "desc", desc);
}

static void qmp_disconnect(QmpServer *s)
{
    if (s->fd < 0) {
        return;
    }
    main_loop_set_fd_handler(s->fd, NULL, NULL, NULL);
    close(s->fd);
    s->fd = -1;
    s->len = 0;
    s->depth = 0;
    s->in_string = s->escape = false;
    s->negotiated = false;
    /* The next client waits in the backlog until now. */
    main_loop_set_fd_handler(s->listen_fd, qmp_accept, NULL, s);
}

static void qmp_send(QmpServer *s, json_t *obj)
{
    char *text = json_dumps(obj, JSON_COMPACT);
    size_t len, done = 0;

    json_decref(obj);
    if (!text || s->fd < 0) {
        free(text);
        return;
    }
    len = strlen(text);
    text[len] = '\n';           /* replaces the NUL; length tracked */
    len++;
    while (done < len) {
        ssize_t n = send(s->fd, text + done, len - done, MSG_NOSIGNAL);

        if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
            continue;
        }
        if (n <= 0) {
            /* The peer went away: forget it, the VM carries on. */
            qmp_disconnect(s);
            break;
        }
        done += n;
    }
    free(text);
}

void qmp_send_event(const char *name)
{
    struct timeval tv;

    gettimeofday(&tv, NULL);
    for (QmpServer *s = qmp_servers; s; s = s->next) {
        if (s->fd >= 0 && s->negotiated) {
            qmp_send(s, json_pack("{s:s,s:{s:I,s:I}}", "event", name,
                                  "timestamp", "seconds",
                                  (json_int_t)tv.tv_sec, "microseconds",
                                  (json_int_t)tv.tv_usec));
        }
    }
}

static void qmp_runstate_event(const char *event, bool guest UNUSED)
{
    qmp_send_event(event);
}

/* ---- commands ---- */

static json_t *qmp_cmd_capabilities(QmpServer *s UNUSED,
                                    json_t *args UNUSED,
                                    json_t **err UNUSED)
{
    if (s->negotiated) {
        *err = qmp_error("CommandNotFound",
                         "Capabilities negotiation is already complete, "
                         "command ignored");
        return NULL;
    }
    s->negotiated = true;
    return json_object();
}

static json_t *qmp_cmd_query_status(QmpServer *s UNUSED,
                                    json_t *args UNUSED,
                                    json_t **err UNUSED)
{
    bool running = runstate_is_running();

    return json_pack("{s:b,s:b,s:s}", "running", running, "singlestep", 0,
                     "status", running ? "running" : "paused");
}

static json_t *qmp_cmd_query_version(QmpServer *s UNUSED,
                                     json_t *args UNUSED,
                                     json_t **err UNUSED)
{
    int major = 0, minor = 0, micro = 0;

    sscanf(MACHINA_VERSION, "%d.%d.%d", &major, &minor, &micro);
    return json_pack("{s:{s:i,s:i,s:i},s:s}", "qemu", "major", major,
                     "minor", minor, "micro", micro, "package", "machina");
}

static json_t *qmp_cmd_query_cpus_fast(QmpServer *s UNUSED,
                                       json_t *args UNUSED,
                                       json_t **err UNUSED)
{
    json_t *list = json_array();
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        int tid = __atomic_load_n(&cpu->thread_id, __ATOMIC_RELAXED);

        json_array_append_new(list, json_pack(
            "{s:i,s:s,s:i,s:s,s:{s:i,s:i,s:i,s:i}}",
            "cpu-index", cpu->cpu_index, "qom-path", "/machine/cpu",
            "thread-id", tid ? tid : (int)getpid(), "target", cpu->ops->arch,
            "props", "core-id", 0, "thread-id", 0, "socket-id",
            cpu->cpu_index, "node-id", 0));
    }
    return list;
}

static json_t *qmp_cmd_stop(QmpServer *s UNUSED, json_t *args UNUSED,
json_t **err UNUSED)
{
    vm_stop();
    return json_object();
}

static json_t *qmp_cmd_cont(QmpServer *s UNUSED, json_t *args UNUSED,
json_t **err UNUSED)
{
    vm_start();
    return json_object();
}

static json_t *qmp_cmd_system_reset(QmpServer *s UNUSED,
                                    json_t *args UNUSED,
                                    json_t **err UNUSED)
{
    request_reset();
    return json_object();
}

static json_t *qmp_cmd_system_powerdown(QmpServer *s UNUSED,
                                        json_t *args UNUSED,
                                        json_t **err UNUSED)
{
    qmp_send_event("POWERDOWN");
    machine_powerdown();
    return json_object();
}

static json_t *qmp_cmd_quit(QmpServer *s UNUSED, json_t *args UNUSED,
json_t **err UNUSED)
{
    request_shutdown(SHUTDOWN_HOST_QUIT, 0);
    return json_object();
}

static json_t *qmp_cmd_screendump(QmpServer *s UNUSED, json_t *args,
                                  json_t **err)
{
    json_t *file = json_object_get(args, "filename");
    json_t *fmt = json_object_get(args, "format");
    json_t *head = json_object_get(args, "head");
    int format;
    char msg[256];

    if (!json_is_string(file)) {
        *err = qmp_error("GenericError", "Parameter 'filename' is missing "
                         "or not a string");
        return NULL;
    }
    if (head && (!json_is_integer(head) || json_integer_value(head) != 0)) {
        *err = qmp_error("GenericError", "screendump: only head 0 exists");
        return NULL;
    }
    if (fmt) {
        format = json_is_string(fmt) ?
                 image_format_parse(json_string_value(fmt)) : -1;
        if (format < 0) {
            *err = qmp_error("GenericError", "Parameter 'format' must be "
                             "'png' or 'ppm'");
            return NULL;
        }
    } else {
        format = image_format_from_filename(json_string_value(file));
    }
    if (screendump(json_string_value(file), -1, format, msg,
                   sizeof(msg)) < 0) {
        char desc[300];

        snprintf(desc, sizeof(desc), "screendump: %s", msg);
        *err = qmp_error("GenericError", desc);
        return NULL;
    }
    return json_object();
}

static json_t *qmp_cmd_hmp(QmpServer *s UNUSED, json_t *args UNUSED,
json_t **err UNUSED)
{
    json_t *line = json_object_get(args, "command-line");
    char *buf = NULL;
    size_t size = 0;
    FILE *out;
    json_t *ret;

    if (!json_is_string(line)) {
        *err = qmp_error("GenericError", "Parameter 'command-line' is "
                         "missing or not a string");
        return NULL;
    }
    out = open_memstream(&buf, &size);
    if (!out) {
        *err = qmp_error("GenericError", "out of memory");
        return NULL;
    }
    hmp_handle_command(json_string_value(line), out);
    fclose(out);
    ret = json_stringn(buf, size);
    free(buf);
    return ret ? ret : json_string("");
}

/* ---- input: send-key, input-send-event (QEMU's argument shapes) ---- */

static json_t *qmp_bad_value(const char *param, const char *val)
{
    char msg[160];

    snprintf(msg, sizeof(msg), "Parameter '%s' does not accept value '%.64s'",
             param, val);
    return qmp_error("GenericError", msg);
}

static json_t *qmp_missing(const char *param)
{
    char msg[128];

    snprintf(msg, sizeof(msg), "Parameter '%s' is missing", param);
    return qmp_error("GenericError", msg);
}

static json_t *qmp_bad_type(const char *param, const char *what)
{
    char msg[128];

    snprintf(msg, sizeof(msg), "Invalid parameter type for '%s', expected: %s",
             param, what);
    return qmp_error("GenericError", msg);
}

/* A KeyValue {"type": "qcode"|"number", "data": ...}; qcode or -1. */
static int qmp_key_value(json_t *kv, const char *where, json_t **err)
{
    json_t *type = json_object_get(kv, "type");
    json_t *data = json_object_get(kv, "data");
    char param[64];
    int q;

    if (!json_is_object(kv)) {
        *err = qmp_bad_type(where, "object");
        return -1;
    }
    if (!type) {
        snprintf(param, sizeof(param), "%s.type", where);
        *err = qmp_missing(param);
        return -1;
    }
    if (!json_is_string(type)) {
        *err = qmp_bad_type("type", "string");
        return -1;
    }
    if (!data) {
        snprintf(param, sizeof(param), "%s.data", where);
        *err = qmp_missing(param);
        return -1;
    }
    if (!strcmp(json_string_value(type), "qcode")) {
        if (!json_is_string(data)) {
            *err = qmp_bad_type("data", "string");
            return -1;
        }
        q = input_qcode_from_name(json_string_value(data));
        if (q < 0) {
            *err = qmp_bad_value("data", json_string_value(data));
        }
        return q;
    }
    if (!strcmp(json_string_value(type), "number")) {
        if (!json_is_integer(data)) {
            *err = qmp_bad_type("data", "integer");
            return -1;
        }
        q = input_qcode_from_number(json_integer_value(data));
        if (q < 0) {
            *err = qmp_error("GenericError",
                             "key number has no key on this keyboard");
        }
        return q;
    }
    *err = qmp_bad_value("type", json_string_value(type));
    return -1;
}

static json_t *qmp_cmd_send_key(QmpServer *s UNUSED, json_t *args,
                                json_t **err)
{
    json_t *keys = json_object_get(args, "keys");
    json_t *hold = json_object_get(args, "hold-time");
    int qcodes[INPUT_SENDKEY_MAX];
    int64_t hold_ms = 100;
    size_t i;
    json_t *kv;

    if (!keys) {
        *err = qmp_missing("keys");
        return NULL;
    }
    if (!json_is_array(keys)) {
        *err = qmp_bad_type("keys", "array");
        return NULL;
    }
    if (hold) {
        if (!json_is_integer(hold)) {
            *err = qmp_bad_type("hold-time", "integer");
            return NULL;
        }
        hold_ms = json_integer_value(hold);
    }
    if (json_array_size(keys) > INPUT_SENDKEY_MAX) {
        *err = qmp_error("GenericError", "send-key: too many keys");
        return NULL;
    }
    json_array_foreach(keys, i, kv) {
        char where[32];

        snprintf(where, sizeof(where), "keys[%zu]", i);
        qcodes[i] = qmp_key_value(kv, where, err);
        if (qcodes[i] < 0) {
            return NULL;
        }
    }
    input_send_keys(qcodes, json_array_size(keys),
                    (int)MAX(0, MIN(hold_ms, 60000)));
    return json_object();
}

/*
 * One InputEvent {"type": "key"|"btn"|"rel"|"abs", "data": {...}} into
 * ev; checked completely before anything is sent.
 */
static bool qmp_input_event(json_t *e, size_t idx, InputEvent *ev,
                            json_t **err)
{
    json_t *type = json_object_get(e, "type");
    json_t *data = json_object_get(e, "data");
    char param[64];
    const char *t;

    if (!json_is_object(e)) {
        *err = qmp_bad_type("events", "object");
        return false;
    }
    if (!json_is_string(type)) {
        snprintf(param, sizeof(param), "events[%zu].type", idx);
        *err = type ? qmp_bad_type("type", "string") : qmp_missing(param);
        return false;
    }
    t = json_string_value(type);
    if (strcmp(t, "key") && strcmp(t, "btn") && strcmp(t, "rel") &&
        strcmp(t, "abs")) {
        *err = qmp_bad_value("type", t);
        return false;
    }
    if (!json_is_object(data)) {
        snprintf(param, sizeof(param), "events[%zu].data", idx);
        *err = data ? qmp_bad_type("data", "object") : qmp_missing(param);
        return false;
    }
    if (!strcmp(t, "key") || !strcmp(t, "btn")) {
        json_t *down = json_object_get(data, "down");
        const char *what = t[0] == 'k' ? "key" : "button";
        json_t *v = json_object_get(data, what);

        if (!json_is_boolean(down)) {
            snprintf(param, sizeof(param), "events[%zu].data.down", idx);
            *err = down ? qmp_bad_type("down", "boolean") :
                   qmp_missing(param);
            return false;
        }
        if (!v) {
            snprintf(param, sizeof(param), "events[%zu].data.%s", idx,
                     what);
            *err = qmp_missing(param);
            return false;
        }
        if (t[0] == 'k') {
            snprintf(param, sizeof(param), "events[%zu].data.key", idx);
            ev->kind = INPUT_EVENT_KEY;
            ev->u.key.qcode = qmp_key_value(v, param, err);
            ev->u.key.down = json_is_true(down);
            return ev->u.key.qcode >= 0;
        }
        if (!json_is_string(v)) {
            *err = qmp_bad_type("button", "string");
            return false;
        }
        ev->kind = INPUT_EVENT_BTN;
        ev->u.btn.down = json_is_true(down);
        if (input_button_from_name(json_string_value(v)) < 0) {
            *err = qmp_bad_value("button", json_string_value(v));
            return false;
        }
        ev->u.btn.button = input_button_from_name(json_string_value(v));
        return true;
    } else {
        json_t *axis = json_object_get(data, "axis");
        json_t *value = json_object_get(data, "value");

        if (!json_is_string(axis)) {
            snprintf(param, sizeof(param), "events[%zu].data.axis", idx);
            *err = axis ? qmp_bad_type("axis", "string") : qmp_missing(param);
            return false;
        }
        if (input_axis_from_name(json_string_value(axis)) < 0) {
            *err = qmp_bad_value("axis", json_string_value(axis));
            return false;
        }
        if (!json_is_integer(value)) {
            snprintf(param, sizeof(param), "events[%zu].data.value", idx);
            *err = value ? qmp_bad_type("value", "integer") :
                   qmp_missing(param);
            return false;
        }
        ev->kind = t[0] == 'r' ? INPUT_EVENT_REL : INPUT_EVENT_ABS;
        ev->u.move.axis = input_axis_from_name(json_string_value(axis));
        ev->u.move.value = json_integer_value(value);
        return true;
    }
}

static json_t *qmp_cmd_input_send_event(QmpServer *s UNUSED, json_t *args,
                                        json_t **err)
{
    json_t *events = json_object_get(args, "events");
    json_t *e;
    InputEvent *evs;
    size_t i, n;

    if (!events) {
        *err = qmp_missing("events");
        return NULL;
    }
    if (!json_is_array(events)) {
        *err = qmp_bad_type("events", "array");
        return NULL;
    }
    n = json_array_size(events);
    evs = mc_malloc0(sizeof(*evs) * (n ? n : 1));
    json_array_foreach(events, i, e) {
        if (!qmp_input_event(e, i, &evs[i], err)) {
            free(evs);
            return NULL;
        }
    }
    /* As QEMU: arguments are checked first, then a stopped VM refuses. */
    if (!runstate_is_running()) {
        free(evs);
        *err = qmp_error("GenericError", "VM not running");
        return NULL;
    }
    for (i = 0; i < n; i++) {
        input_event_send(&evs[i]);
    }
    input_event_sync();
    free(evs);
    return json_object();
}

static json_t *qmp_cmd_query_commands(QmpServer *s UNUSED,
                                      json_t *args UNUSED,
        json_t **err UNUSED);

static const struct {
    const char *name;
    QmpHandler *fn;
    const char *const *args;    /* accepted argument names, NULL-ended */
} qmp_commands[] = {
    { "qmp_capabilities", qmp_cmd_capabilities,
      (const char *const[]){ "enable", NULL } },
    { "query-status", qmp_cmd_query_status, NULL },
    { "query-version", qmp_cmd_query_version, NULL },
    { "query-cpus-fast", qmp_cmd_query_cpus_fast, NULL },
    { "query-commands", qmp_cmd_query_commands, NULL },
    { "stop", qmp_cmd_stop, NULL },
    { "cont", qmp_cmd_cont, NULL },
    { "system_reset", qmp_cmd_system_reset, NULL },
    { "system_powerdown", qmp_cmd_system_powerdown, NULL },
    { "quit", qmp_cmd_quit, NULL },
    { "screendump", qmp_cmd_screendump,
      (const char *const[]){ "filename", "device", "head", "format",
                             NULL } },
    { "human-monitor-command", qmp_cmd_hmp,
      (const char *const[]){ "command-line", "cpu-index", NULL } },
    { "send-key", qmp_cmd_send_key,
      (const char *const[]){ "keys", "hold-time", NULL } },
    { "input-send-event", qmp_cmd_input_send_event,
      (const char *const[]){ "device", "head", "events", NULL } },
};

static json_t *qmp_cmd_query_commands(QmpServer *s UNUSED,
                                      json_t *args UNUSED,
                                      json_t **err UNUSED)
{
    json_t *list = json_array();

    for (size_t i = 0; i < ARRAY_SIZE(qmp_commands); i++) {
        json_array_append_new(list, json_pack("{s:s}", "name",
                                              qmp_commands[i].name));
    }
    return list;
}

/* Unknown argument names are an error, as in QEMU. */
static bool qmp_check_args(int idx, json_t *args, json_t **err)
{
    const char *key;
    json_t *val;

    json_object_foreach(args, key, val) {
        const char *const *a = qmp_commands[idx].args;
        bool ok = false;

        for (; a && *a; a++) {
            if (!strcmp(*a, key)) {
                ok = true;
            }
        }
        if (!ok) {
            char msg[128];

            snprintf(msg, sizeof(msg), "Parameter '%.64s' is unexpected",
                     key);
            *err = qmp_error("GenericError", msg);
            return false;
        }
    }
    return true;
}

static void qmp_dispatch(QmpServer *s, json_t *req)
{
    json_t *id = NULL, *exec, *args, *ret = NULL, *err = NULL, *reply;
    const char *name;
    int idx = -1;

    if (!json_is_object(req)) {
        err = qmp_error("GenericError", "QMP input must be a JSON object");
        goto reply;
    }
    id = json_object_get(req, "id");
    exec = json_object_get(req, "execute");
    args = json_object_get(req, "arguments");
    if (!exec) {
        err = qmp_error("GenericError", "QMP input lacks member 'execute'");
        goto reply;
    }
    if (!json_is_string(exec)) {
        err = qmp_error("GenericError",
                        "QMP input member 'execute' must be a string");
        goto reply;
    }
    if (args && !json_is_object(args)) {
        err = qmp_error("GenericError",
                        "QMP input member 'arguments' must be an object");
        goto reply;
    }
    name = json_string_value(exec);
    for (size_t i = 0; i < ARRAY_SIZE(qmp_commands); i++) {
        if (!strcmp(qmp_commands[i].name, name)) {
            idx = i;
        }
    }
    if (idx < 0) {
        char msg[160];

        snprintf(msg, sizeof(msg), "The command %.100s has not been found",
                 name);
        err = qmp_error("CommandNotFound", msg);
        goto reply;
    }
    if (!s->negotiated && strcmp(name, "qmp_capabilities")) {
        char msg[200];

        snprintf(msg, sizeof(msg), "Expecting capabilities negotiation "
                 "with 'qmp_capabilities' (got %.100s)", name);
        err = qmp_error("CommandNotFound", msg);
        goto reply;
    }
    if (args && !qmp_check_args(idx, args, &err)) {
        goto reply;
    }
    ret = qmp_commands[idx].fn(s, args, &err);

reply:
    if (err) {
        reply = json_pack("{s:o}", "error", err);
        json_decref(ret);
    } else {
        reply = json_pack("{s:o}", "return", ret ? ret : json_object());
    }
    if (id) {
        json_object_set(reply, "id", id);
    }
    qmp_send(s, reply);
}

static void qmp_parse_value(QmpServer *s)
{
    json_error_t jerr;
    json_t *req = json_loadb(s->buf, s->len, JSON_DECODE_ANY, &jerr);

    s->len = 0;
    if (!req) {
        char msg[200];

        snprintf(msg, sizeof(msg), "JSON parse error, %.150s", jerr.text);
        qmp_send(s, json_pack("{s:o}", "error",
                              qmp_error("GenericError", msg)));
        return;
    }
    qmp_dispatch(s, req);
    json_decref(req);
}

/* Split the byte stream into JSON values by tracking nesting. */
static void qmp_input(QmpServer *s, const char *data, size_t n)
{
    for (size_t i = 0; i < n && s->fd >= 0; i++) {
        char c = data[i];

        if (s->len == 0 && s->depth == 0 &&
            (c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
            continue;
        }
        if (s->len >= QMP_BUF_MAX) {
            qmp_send(s, json_pack("{s:o}", "error",
                                  qmp_error("GenericError",
                                            "JSON input too large")));
            s->len = 0;
            s->depth = 0;
            s->in_string = s->escape = false;
            continue;
        }
        s->buf[s->len++] = c;
        if (s->in_string) {
            if (s->escape) {
                s->escape = false;
            } else if (c == '\\') {
                s->escape = true;
            } else if (c == '"') {
                s->in_string = false;
            }
            continue;
        }
        if (c == '"') {
            s->in_string = true;
        } else if (c == '{' || c == '[') {
            s->depth++;
        } else if (c == '}' || c == ']') {
            s->depth--;
            if (s->depth <= 0) {
                s->depth = 0;
                qmp_parse_value(s);
            }
        } else if (c == '\n' && s->depth == 0) {
            /* A bare token line (not an object): report it as bad. */
            qmp_parse_value(s);
        }
    }
}

static void qmp_client_read(void *opaque)
{
    QmpServer *s = opaque;
    char data[4096];
    ssize_t n = recv(s->fd, data, sizeof(data), 0);

    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return;
    }
    if (n <= 0) {
        qmp_disconnect(s);
        return;
    }
    qmp_input(s, data, n);
}

static void qmp_accept(void *opaque)
{
    QmpServer *s = opaque;
    int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    int major = 0, minor = 0, micro = 0;

    if (fd < 0) {
        return;
    }
    if (s->fd >= 0) {
        /* One client at a time. */
        close(fd);
        return;
    }
    main_loop_set_fd_handler(s->listen_fd, NULL, NULL, NULL);
    s->fd = fd;
    s->negotiated = false;
    s->len = 0;
    main_loop_set_fd_handler(fd, qmp_client_read, NULL, s);
    sscanf(MACHINA_VERSION, "%d.%d.%d", &major, &minor, &micro);
    qmp_send(s, json_pack("{s:{s:{s:{s:i,s:i,s:i},s:s},s:[]}}", "QMP",
                          "version", "qemu", "major", major, "minor",
                          minor, "micro", micro, "package", "machina",
                          "capabilities"));
}

static int qmp_listen(const char *spec)
{
    char *copy = mc_strdup(spec), *opts = strchr(copy, ',');
    int fd = -1;

    if (opts) {
        *opts++ = 0;
        if (strstr(opts, "wait=on")) {
            warn_report("-qmp %s: wait=on not supported, not waiting",
                        spec);
        }
    }
    if (!strncmp(copy, "unix:", 5)) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        const char *path = copy + 5;

        if (strlen(path) >= sizeof(sa.sun_path)) {
            error_report("-qmp %s: path too long", spec);
            goto out;
        }
        strcpy(sa.sun_path, path);
        unlink(path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
            listen(fd, 1) < 0) {
            goto err;
        }
    } else if (!strncmp(copy, "tcp:", 4)) {
        char *host = copy + 4, *port = strrchr(host, ':');
        struct addrinfo hints = { 0 }, *res;
        int one = 1;

        if (!port) {
            error_report("-qmp %s: expected tcp:HOST:PORT", spec);
            goto out;
        }
        *port++ = 0;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_PASSIVE;
        if (getaddrinfo(*host ? host : "0.0.0.0", port, &hints, &res)) {
            error_report("-qmp %s: bad address", spec);
            goto out;
        }
        fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0) {
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        }
        if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) < 0 ||
            listen(fd, 1) < 0) {
            freeaddrinfo(res);
            goto err;
        }
        freeaddrinfo(res);
    } else {
        error_report("-qmp %s: expected tcp:HOST:PORT or unix:PATH", spec);
        goto out;
    }
    free(copy);
    return fd;
err:
    error_report("-qmp %s: %s", spec, strerror(errno));
    if (fd >= 0) {
        close(fd);
    }
out:
    free(copy);
    return -1;
}

int monitor_init_qmp(const char *spec)
{
    int fd = qmp_listen(spec);
    QmpServer *s;

    if (fd < 0) {
        return -1;
    }
    s = mc_malloc0(sizeof(*s));
    s->listen_fd = fd;
    s->fd = -1;
    s->buf = mc_malloc0(QMP_BUF_MAX);
    s->next = qmp_servers;
    qmp_servers = s;
    runstate_set_event_hook(qmp_runstate_event);
    main_loop_set_fd_handler(fd, qmp_accept, NULL, s);
    return 0;
}

#else

int monitor_init_qmp(const char *spec)
{
    error_report("-qmp %s: built without a JSON library (install "
                 "libjansson-dev and re-run configure)", spec);
    return -1;
}

void qmp_send_event(const char *name UNUSED)
{
}

#endif
