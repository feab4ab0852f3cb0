/*
 * ga-prebind: the image's entry point. Binds the ports of the fronted containers before the .NET
 * runtime starts, then execs grand-ambassador with them (systemd's socket-activation convention:
 * LISTEN_FDS, LISTEN_PID, descriptors from 3).
 *
 * Why: the original's examples are pasted line by line. The third line's client connects a few
 * hundred milliseconds after the ambassador's container starts, while the runtime is still loading
 * (~0.3-0.5 s on two cores). A socket that already listens holds that client in its backlog, where
 * the proxy accepts it once it is up; one that does not listen yet refuses it. This program answers
 * in milliseconds because it is small and native, and does nothing else.
 *
 * What it binds: for each --name (-name, --name=, or GRAND_AMBASSADOR_NAME when no --name is given)
 * whose container runs on the engine's Unix socket, every port in Config.ExposedPorts and
 * NetworkSettings.Ports, on --listen (default 0.0.0.0) as the proxy would. The proxy checks each
 * socket it receives against what it would bind itself and closes the rest (InheritedListenSockets).
 * It binds nothing, and just execs, when the command line is not the plain fronting form: a
 * subcommand, --port (explicit ports), --no-agent, a TCP engine, or anything it cannot read. Any
 * failure (no engine, a slow engine: 1 s at most) is silent: the proxy binds the ports itself later.
 *
 *   ga-prebind PROGRAM [ARGS...]       e.g. ga-prebind /usr/share/dotnet/dotnet /app/grand-ambassador.dll -name redis
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_NAMES 32
#define MAX_SOCKETS 256
#define MAX_RESPONSE (4 << 20)
#define LISTEN_BACKLOG 512 /* ProxyOptions.ListenBacklog */
#define FIRST_FD 3         /* SD_LISTEN_FDS_START */

struct port { int number; int udp; };

static const char *names[MAX_NAMES];
static int name_count;
static const char *engine_socket = "/var/run/docker.sock";
static const char *listen_address = "0.0.0.0";
static int sockets[MAX_SOCKETS];
static int socket_count;

static int starts_with(const char *text, const char *prefix) { return strncmp(text, prefix, strlen(prefix)) == 0; }

static void add_name(const char *name)
{
    if (name_count < MAX_NAMES && *name) names[name_count++] = name;
}

/* GRAND_AMBASSADOR_NAME is a list (EnvironmentDefaults.GetList); the strings are ours to cut (a copy). */
static void add_names_from_list(char *list)
{
    for (char *save = NULL, *name = strtok_r(list, ", \t\n", &save); name; name = strtok_r(NULL, ", \t\n", &save)) add_name(name);
}

/* An option's value: "--opt=VALUE" or "--opt VALUE"; advances *i past a separate value. */
static const char *value_of(int argc, char **argv, int *i, const char *option)
{
    size_t length = strlen(option);
    if (strncmp(argv[*i], option, length) != 0) return NULL;
    if (argv[*i][length] == '=') return argv[*i] + length + 1;
    if (argv[*i][length] == '\0' && *i + 1 < argc) return argv[++*i];
    return NULL;
}

static int env_set(const char *variable) { const char *value = getenv(variable); return value && *value; }

/* Reads the fronting options; 0 when this is not the plain fronting form (then nothing is bound). */
static int read_command_line(int argc, char **argv)
{
    if (env_set("DOCKER_HOST")) engine_socket = getenv("DOCKER_HOST");
    if (env_set("GRAND_AMBASSADOR_DOCKER")) engine_socket = getenv("GRAND_AMBASSADOR_DOCKER");
    if (env_set("GRAND_AMBASSADOR_LISTEN")) listen_address = getenv("GRAND_AMBASSADOR_LISTEN");
    if (env_set("GRAND_AMBASSADOR_PORT") || env_set("GRAND_AMBASSADOR_NO_AGENT")) return 0;

    int first_argument = 1;
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i], *value;
        size_t length = strlen(arg);
        if (first_argument && length > 4 && strcmp(arg + length - 4, ".dll") == 0) continue; /* dotnet's app path */
        if (first_argument && arg[0] != '-') return 0; /* a subcommand: status, drain, tls ... */
        first_argument = 0;
        if ((value = value_of(argc, argv, &i, "--name")) || (value = value_of(argc, argv, &i, "-name"))) add_name(value);
        else if ((value = value_of(argc, argv, &i, "--listen"))) listen_address = value;
        else if ((value = value_of(argc, argv, &i, "--docker"))) engine_socket = value;
        else if (starts_with(arg, "--port") || strcmp(arg, "-p") == 0 || starts_with(arg, "--no-agent")
                 || strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0 || strcmp(arg, "--version") == 0) return 0;
    }

    if (name_count == 0 && env_set("GRAND_AMBASSADOR_NAME")) add_names_from_list(strdup(getenv("GRAND_AMBASSADOR_NAME")));
    if (starts_with(engine_socket, "unix://")) engine_socket += strlen("unix://");
    else if (strstr(engine_socket, "://")) return 0; /* tcp:// engines are left to the agent */
    return name_count > 0;
}

/* --- The engine's answer: a minimal JSON walk over the fields every engine version has. --- */

static const char *skip_space(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
    return p;
}

/* Past one JSON value; NULL when malformed. */
static const char *skip_value(const char *p, const char *end)
{
    p = skip_space(p, end);
    if (p >= end) return NULL;
    if (*p == '"') {
        for (p++; p < end; p++) {
            if (*p == '\\') p++;
            else if (*p == '"') return p + 1;
        }
        return NULL;
    }
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        p = skip_space(p + 1, end);
        if (p < end && *p == close) return p + 1;
        for (;;) {
            if (close == '}') {
                if (!(p = skip_value(p, end))) return NULL; /* the key */
                p = skip_space(p, end);
                if (p >= end || *p != ':') return NULL;
                p++;
            }
            if (!(p = skip_value(p, end))) return NULL;
            p = skip_space(p, end);
            if (p < end && *p == ',') { p++; continue; }
            return p < end && *p == close ? p + 1 : NULL;
        }
    }
    while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n') p++; /* true, 12, null */
    return p;
}

/* Calls visit(key, key_length, value) for each member of the object at p; 0 when malformed. */
static int each_member(const char *p, const char *end, int (*visit)(const char *, size_t, const char *, const char *, void *), void *state)
{
    p = skip_space(p, end);
    if (p >= end || *p != '{') return 0;
    p = skip_space(p + 1, end);
    if (p < end && *p == '}') return 1;
    for (;;) {
        if (p >= end || *p != '"') return 0;
        const char *key = p + 1, *key_end = skip_value(p, end);
        if (!key_end) return 0;
        p = skip_space(key_end, end);
        if (p >= end || *p != ':') return 0;
        const char *value = skip_space(p + 1, end);
        if (!visit(key, (size_t)(key_end - 1 - key), value, end, state)) return 0;
        if (!(p = skip_value(value, end))) return 0;
        p = skip_space(p, end);
        if (p < end && *p == ',') { p = skip_space(p + 1, end); continue; }
        return p < end && *p == '}';
    }
}

struct lookup { const char *key; const char *found; };

static int match_key(const char *key, size_t length, const char *value, const char *end, void *state)
{
    (void)end;
    struct lookup *lookup = state;
    if (!lookup->found && strlen(lookup->key) == length && memcmp(key, lookup->key, length) == 0) lookup->found = value;
    return 1;
}

/* The value of member `key` of the object at p, or NULL. */
static const char *member(const char *p, const char *end, const char *key)
{
    struct lookup lookup = { key, NULL };
    return p && each_member(p, end, match_key, &lookup) ? lookup.found : NULL;
}

struct port_list { struct port ports[MAX_SOCKETS]; int count; };

/* A key such as "6379/tcp" (ContainerPortsMapper's form); others (sctp, ranges) are not ours to bind. */
static int add_port_key(const char *key, size_t length, const char *value, const char *end, void *state)
{
    (void)value; (void)end;
    struct port_list *list = state;
    char text[32];
    if (length >= sizeof text) return 1;
    memcpy(text, key, length);
    text[length] = '\0';
    char *slash = strchr(text, '/');
    if (!slash) return 1;
    *slash = '\0';
    char *digits_end;
    long number = strtol(text, &digits_end, 10);
    int udp = strcmp(slash + 1, "udp") == 0;
    if (*digits_end || number < 1 || number > 65535 || (!udp && strcmp(slash + 1, "tcp") != 0)) return 1;
    for (int i = 0; i < list->count; i++)
        if (list->ports[i].number == number && list->ports[i].udp == udp) return 1;
    if (list->count < MAX_SOCKETS) list->ports[list->count++] = (struct port){ (int)number, udp };
    return 1;
}

/* --- Asking the engine. --- */

static int ask_engine(const char *name, char *response, size_t capacity, size_t *length)
{
    int engine = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (engine < 0) return 0;
    struct timeval timeout = { 1, 0 };
    setsockopt(engine, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(engine, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    struct sockaddr_un address = { .sun_family = AF_UNIX };
    if (strlen(engine_socket) >= sizeof address.sun_path) { close(engine); return 0; }
    strcpy(address.sun_path, engine_socket);
    char request[512];
    int request_length = snprintf(request, sizeof request, "GET /containers/%s/json HTTP/1.0\r\nHost: engine\r\n\r\n", name);
    if (strpbrk(name, "/?#% \r\n") || request_length >= (int)sizeof request
        || connect(engine, (struct sockaddr *)&address, sizeof address) != 0
        || write(engine, request, (size_t)request_length) != request_length) { close(engine); return 0; }
    *length = 0;
    ssize_t got;
    while (*length < capacity && (got = read(engine, response + *length, capacity - *length)) > 0) *length += (size_t)got;
    close(engine);
    return got == 0 && *length > 12 && memcmp(response + 9, "200", 3) == 0; /* "HTTP/1.x 200" and read to the end */
}

static void find_ports(const char *name, struct port_list *ports, char *response)
{
    size_t length;
    if (!ask_engine(name, response, MAX_RESPONSE, &length)) return;
    const char *end = response + length, *body = strstr(response, "\r\n\r\n");
    if (!body) return;
    body += 4;
    const char *running = member(member(body, end, "State"), end, "Running");
    if (!running || !starts_with(running, "true")) return;
    const char *exposed = member(member(body, end, "Config"), end, "ExposedPorts");
    if (exposed && *exposed == '{') each_member(exposed, end, add_port_key, ports);
    const char *published = member(member(body, end, "NetworkSettings"), end, "Ports");
    if (published && *published == '{') each_member(published, end, add_port_key, ports);
}

/* --- Binding, as ListenSockets.BindNew does: dual-mode on an IPv6 address, no SO_REUSEADDR. --- */

static void bind_port(struct port port)
{
    struct sockaddr_storage address = { 0 };
    socklen_t address_length;
    int family;
    struct sockaddr_in *v4 = (struct sockaddr_in *)&address;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&address;
    const char *text = listen_address;
    char unbracketed[64];
    if (text[0] == '[' && strlen(text) < sizeof unbracketed) {
        snprintf(unbracketed, sizeof unbracketed, "%s", text + 1);
        char *close = strchr(unbracketed, ']');
        if (close) *close = '\0';
        text = unbracketed;
    }
    if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
        family = v4->sin_family = AF_INET;
        v4->sin_port = htons((unsigned short)port.number);
        address_length = sizeof *v4;
    } else if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
        family = v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((unsigned short)port.number);
        address_length = sizeof *v6;
    } else {
        return; /* a host name: the proxy resolves it, and says so if it cannot */
    }
    int fd = socket(family, port.udp ? SOCK_DGRAM : SOCK_STREAM, 0);
    if (fd < 0) return;
    int off = 0;
    if (family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    if (bind(fd, (struct sockaddr *)&address, address_length) != 0 || (!port.udp && listen(fd, LISTEN_BACKLOG) != 0)) {
        close(fd); /* taken: the proxy says so when it binds it itself */
        return;
    }
    sockets[socket_count++] = fd;
}

/* Moves the sockets to descriptors 3, 4, ... and says so in the environment, as systemd would. */
static void hand_over(void)
{
    int moved[MAX_SOCKETS];
    for (int i = 0; i < socket_count; i++) {
        moved[i] = fcntl(sockets[i], F_DUPFD, FIRST_FD + socket_count);
        close(sockets[i]);
    }
    int handed = 0;
    for (int i = 0; i < socket_count; i++) {
        if (moved[i] >= 0 && dup2(moved[i], FIRST_FD + handed) == FIRST_FD + handed) handed++;
        if (moved[i] >= 0) close(moved[i]);
    }
    if (handed == 0) return;
    char count[16], pid[16];
    snprintf(count, sizeof count, "%d", handed);
    snprintf(pid, sizeof pid, "%d", (int)getpid()); /* exec keeps the pid */
    setenv("LISTEN_FDS", count, 1);
    setenv("LISTEN_PID", pid, 1);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: ga-prebind PROGRAM [ARGS...]\n");
        return 2;
    }

    if (read_command_line(argc, argv)) {
        char *response = malloc(MAX_RESPONSE);
        struct port_list ports = { .count = 0 };
        for (int i = 0; response && i < name_count; i++) find_ports(names[i], &ports, response);
        free(response);
        for (int i = 0; i < ports.count && socket_count < MAX_SOCKETS; i++) bind_port(ports.ports[i]);
        hand_over();
    }

    execvp(argv[1], argv + 1);
    fprintf(stderr, "ga-prebind: cannot run %s: %s\n", argv[1], strerror(errno));
    return 127;
}
