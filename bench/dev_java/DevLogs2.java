// Second dev log program for the grouping (issue 15, round 16): client libraries' own call sites, so a
// decision is not tuned on DevLogs.java alone. NOT a blind bench: its author tunes on it.
//
// Each line is `label \t whole line \t message`; `label` is the call site (one log statement). The format
// strings are the libraries' own (as their sources print them; no bench line was read):
//  - Apache HttpClient 4 RetryExec: "I/O exception (" + ex.getClass().getName() + ") caught when processing
//    request to " + route + ": " + ex.getMessage(), then "Retrying request to " + route.
//  - HikariCP: ProxyConnection "{} - Connection {} marked as broken because of SQLSTATE({}), ErrorCode({})",
//    HikariPool "{} - Pool stats (total={}, active={}, idle={}, waiting={})", "{} - Exception during pool
//    initialization.", "{} - Shutdown initiated...".
//  - Kafka clients (LogContext prefix "[Consumer clientId=.., groupId=..] "): NetworkClient "Error while fetching
//    metadata with correlation id {} : {}" (a Map<String, Errors>: {topic=LEADER_NOT_AVAILABLE}),
//    AbstractCoordinator "Discovered group coordinator {}", "(Re-)joining group", "Attempt to heartbeat failed
//    since group is rebalancing", ConsumerCoordinator "Adding newly assigned partitions: {}" /
//    "Revoke previously assigned partitions {}" (comma-joined partitions).
//  - Spring: AbstractHandlerExceptionResolver "Resolving exception from handler [" + handler + "]: " + ex;
//    RestTemplate "HTTP " + method + " " + url and "Response " + status (HttpStatus: "404 NOT_FOUND");
//    Boot "Tomcat started on port(s): {} ({}) with context path '{}'".
//  - Tomcat: Catalina "Server startup in [{}] milliseconds", WebappClassLoaderBase "The web application [{}]
//    appears to have started a thread named [{}] but has failed to stop it. This is very likely to create a
//    memory leak.", AbstractProtocol "Starting ProtocolHandler [{}]".
//  - Netty ResourceLeakDetector "LEAK: {}.release() was not called before it's garbage-collected. ...";
//    DefaultPromise "An exception was thrown by {}.operationComplete()".
//  - Lettuce ConnectionWatchdog "Reconnecting, last destination was {}", ReconnectionHandler "Reconnected to
//    {}", "Cannot reconnect to [{}]: {}" (the cause's message).
//  - Elasticsearch low-level RestClient RequestLogger "request [" + method + " " + host + uri + "] returned [" +
//    statusLine + "]".
//  - Quartz JobRunShell "Job " + key + " threw an unhandled Exception: ".
//  - an application's own client and filter statements that print a caught exception's toString, its simple
//    name, or a request's method, path, status and time; twins that differ in one word (failed / timed out).
// Usage: java -cp OUT DevLogs2 SEED N   (compiled with DevLogs.java: shares its value helpers and layouts)
import java.util.*;
import java.util.function.*;

public class DevLogs2 {
    static int n(int lo, int hi) { return DevLogs.n(lo, hi); }
    static String pick(String... xs) { return DevLogs.pick(xs); }
    static DevLogs.T t(String label, String logger, String level, String pattern, Supplier<Object[]> args) {
        return new DevLogs.T(label, logger, level, pattern, args);
    }
    static Object[] a(Object... xs) { return xs; }

    static String ioExc() {
        return pick("java.net.SocketTimeoutException", "java.net.SocketException", "org.apache.http.NoHttpResponseException",
                "javax.net.ssl.SSLHandshakeException", "java.net.ConnectException");
    }
    static String ioMsg() { return pick("Read timed out", "Connection reset", "The target server failed to respond",
            "Remote host terminated the handshake", "Connection refused (Connection refused)"); }
    static String route() { return "{" + pick("s", "") + "}->" + pick("http", "https") + "://" + DevLogs.host() + ":" + pick("80", "443", "8443"); }
    static String pool() { return "HikariPool-" + n(1, 3); }
    static String clientPrefix() { return "[Consumer clientId=consumer-" + DevLogs.word() + "-" + n(1, 9) + ", groupId=" + DevLogs.word() + "-group] "; }
    static String partitions() {
        StringJoiner j = new StringJoiner(", ");
        String topic = DevLogs.word() + "-events";
        for (int k = n(1, 4); k > 0; k--) j.add(topic + "-" + n(0, 11));
        return j.toString();
    }
    static String thrown() {  // Throwable.toString: class name [": " message]
        return pick("java.net.SocketTimeoutException: Read timed out", "java.net.ConnectException: Connection refused",
                "org.springframework.web.client.HttpServerErrorException$BadGateway: 502 Bad Gateway: [no body]",
                "java.util.concurrent.TimeoutException", "feign.RetryableException: " + DevLogs.host() + " executing GET https://" + DevLogs.host() + "/api",
                "java.lang.IllegalStateException: Connection pool shut down");
    }
    static String status() { return pick("200 OK", "201 CREATED", "404 NOT_FOUND", "409 CONFLICT", "500 INTERNAL_SERVER_ERROR", "503 SERVICE_UNAVAILABLE"); }

    static final List<DevLogs.T> TEMPLATES = List.of(
        t("httpclient.io", "org.apache.http.impl.execchain.RetryExec", "INFO", "I/O exception ({}) caught when processing request to {}: {}", () -> a(ioExc(), route(), ioMsg())),
        t("httpclient.retry", "org.apache.http.impl.execchain.RetryExec", "INFO", "Retrying request to {}", () -> a(route())),
        t("hikari.broken", "com.zaxxer.hikari.pool.ProxyConnection", "WARN", "{} - Connection {} marked as broken because of SQLSTATE({}), ErrorCode({})", () -> a(pool(), pick("org.postgresql.jdbc.PgConnection@", "com.mysql.cj.jdbc.ConnectionImpl@") + DevLogs.hash(), pick("08003", "08006", "08S01", "57P01"), pick("0", "1927", "2013"))),
        t("hikari.stats", "com.zaxxer.hikari.pool.HikariPool", "DEBUG", "{} - Pool stats (total={}, active={}, idle={}, waiting={})", () -> a(pool(), 10, n(0, 10), n(0, 10), n(0, 30))),
        t("hikari.init", "com.zaxxer.hikari.pool.HikariPool", "ERROR", "{} - Exception during pool initialization.", () -> a(pool())),
        t("hikari.shutdown", "com.zaxxer.hikari.HikariDataSource", "INFO", "{} - Shutdown initiated...", () -> a(pool())),
        t("kafka.metadata", "org.apache.kafka.clients.NetworkClient", "WARN", "{}Error while fetching metadata with correlation id {} : {}", () -> a(clientPrefix(), n(1, 9999), "{" + DevLogs.word() + "-events=" + pick("LEADER_NOT_AVAILABLE", "UNKNOWN_TOPIC_OR_PARTITION") + "}")),
        t("kafka.coordinator", "o.a.k.c.c.internals.AbstractCoordinator", "INFO", "{}Discovered group coordinator {}", () -> a(clientPrefix(), DevLogs.host() + ":9092 (id: " + n(2147483000, 2147483647) + " rack: null)")),
        t("kafka.rejoin", "o.a.k.c.c.internals.AbstractCoordinator", "INFO", "{}(Re-)joining group", () -> a(clientPrefix())),
        t("kafka.heartbeat", "o.a.k.c.c.internals.AbstractCoordinator", "INFO", "{}Attempt to heartbeat failed since group is rebalancing", () -> a(clientPrefix())),
        t("kafka.assigned", "o.a.k.c.c.internals.ConsumerCoordinator", "INFO", "{}Adding newly assigned partitions: {}", () -> a(clientPrefix(), partitions())),
        t("kafka.revoked", "o.a.k.c.c.internals.ConsumerCoordinator", "INFO", "{}Revoke previously assigned partitions {}", () -> a(clientPrefix(), partitions())),
        t("spring.resolving", "o.s.w.s.m.m.a.ExceptionHandlerExceptionResolver", "DEBUG", "Resolving exception from handler [{}]: {}", () -> a("com.example.web." + pick("OrderController", "UserController") + "#" + pick("get", "create", "delete") + "(" + pick("Long", "String, Long") + ")", thrown())),
        t("spring.rest.request", "o.s.web.client.RestTemplate", "DEBUG", "HTTP {} {}", () -> a(pick("GET", "POST", "PUT"), "https://" + DevLogs.host() + DevLogs.uri())),
        t("spring.rest.response", "o.s.web.client.RestTemplate", "DEBUG", "Response {}", () -> a(status())),
        t("boot.tomcat.started", "o.s.b.w.embedded.tomcat.TomcatWebServer", "INFO", "Tomcat started on port(s): {} ({}) with context path '{}'", () -> a(n(1024, 9999), "http", pick("", "/api", "/" + DevLogs.word()))),
        t("tomcat.startup", "org.apache.catalina.startup.Catalina", "INFO", "Server startup in [{}] milliseconds", () -> a(n(300, 30000))),
        t("tomcat.leak", "o.a.catalina.loader.WebappClassLoaderBase", "WARN", "The web application [{}] appears to have started a thread named [{}] but has failed to stop it. This is very likely to create a memory leak.", () -> a(pick("ROOT", "api", DevLogs.word()), pick("Abandoned connection cleanup thread", "pool-" + n(1, 9) + "-thread-" + n(1, 20), "kafka-producer-network-thread | producer-" + n(1, 9)))),
        t("tomcat.protocol", "org.apache.coyote.http11.Http11NioProtocol", "INFO", "Starting ProtocolHandler [{}]", () -> a("\"http-nio-" + pick("8080", "8443", "" + n(1024, 9999)) + "\"")),
        t("netty.leak", "io.netty.util.ResourceLeakDetector", "ERROR", "LEAK: {}.release() was not called before it's garbage-collected. See https://netty.io/wiki/reference-counted-objects.html for more information.", () -> a(pick("ByteBuf", "HttpContent"))),
        t("netty.listener", "io.netty.util.concurrent.DefaultPromise", "WARN", "An exception was thrown by {}.operationComplete()", () -> a(pick("io.netty.channel.ChannelFutureListener$", "reactor.netty.resources.PooledConnectionProvider$") + n(1, 9))),
        t("lettuce.reconnecting", "io.lettuce.core.protocol.ConnectionWatchdog", "INFO", "Reconnecting, last destination was {}", () -> a(DevLogs.host() + "/" + DevLogs.ip4() + ":6379")),
        t("lettuce.reconnected", "io.lettuce.core.protocol.ReconnectionHandler", "INFO", "Reconnected to {}", () -> a(DevLogs.host() + "/" + DevLogs.ip4() + ":6379")),
        t("lettuce.cannot", "io.lettuce.core.protocol.ConnectionWatchdog", "WARN", "Cannot reconnect to [{}]: {}", () -> a(DevLogs.host() + ":6379", pick("Connection refused: " + DevLogs.host() + "/" + DevLogs.ip4() + ":6379", "connection timed out: " + DevLogs.host() + "/" + DevLogs.ip4() + ":6379"))),
        t("es.request", "org.elasticsearch.client.RestClient", "DEBUG", "request [{} {}] returned [{}]", () -> a(pick("GET", "POST", "PUT"), "http://" + DevLogs.host() + ":9200/" + DevLogs.word() + pick("/_search", "/_doc/" + n(1, 99999), "/_bulk"), pick("HTTP/1.1 200 OK", "HTTP/1.1 201 Created", "HTTP/1.1 404 Not Found", "HTTP/1.1 429 Too Many Requests"))),
        t("quartz.job", "org.quartz.core.JobRunShell", "ERROR", "Job {} threw an unhandled Exception: ", () -> a(pick("DEFAULT", "reports", "billing") + "." + DevLogs.word() + "Job")),
        t("app.call.failed", "com.example.client.InventoryClient", "WARN", "Call to {} failed: {}", () -> a(pick("inventory", "pricing", "shipping") + "-service", thrown())),
        t("app.call.timedout", "com.example.client.InventoryClient", "WARN", "Call to {} timed out: {}", () -> a(pick("inventory", "pricing", "shipping") + "-service", thrown())),
        t("app.simple.name", "com.example.jobs.SyncJob", "ERROR", "Sync of {} aborted by {}", () -> a(DevLogs.word(), pick("SocketTimeoutException", "ConnectException", "IllegalStateException", "TimeoutException"))),
        t("app.request.arrow", "com.example.web.AccessLogFilter", "INFO", "Request {} {} -> {} ({} ms)", () -> a(pick("GET", "POST", "PUT", "DELETE", "PATCH"), DevLogs.uri(), pick("200", "201", "204", "400", "404", "500"), n(1, 5000)))
    );

    public static void main(String[] argv) {
        long seed = Long.parseLong(argv[0]);
        int count = Integer.parseInt(argv[1]);
        DevLogs.R = new Random(seed * 7919 + 17);
        int layout = (int) (seed % 4);
        DevLogs.PID = n(1000, 99999);
        DevLogs.APP = pick("Application", "InventoryApplication", "BillingApplication");
        System.out.print(DevLogs.emit(TEMPLATES, count, layout));
    }
}
