// Dev log programs for the grouping (issue 15, round 15): messages as a JVM application logs them
// through slf4j/logback, log4j2 and Jetty's own logger. NOT a blind bench: its author tunes on it.
//
// Each line is `label \t whole line \t message`; `label` is the call site (the true template).
// Shapes (no bench line was read to write them; sources cited per group below):
//  - slf4j MessageFormatter.arrayFormat: each `{}` is String.valueOf(arg), an array Arrays.toString,
//    `\{}` a literal (slf4j-api MessageFormatter); a last Throwable arg is the stack, not substituted.
//  - Object.toString: `Class@` + Integer.toHexString(hashCode()) (java.lang.Object); AbstractCollection
//    `[a, b]`, AbstractMap `{k=v, k2=v2}`, records `Name[a=1, b=x]`, Lombok `Name(a=1, b=x)`, IDE-generated
//    `Name{a=1, b='x'}`; Duration.toString `PT1.5S`; InetSocketAddress `/10.0.0.1:8080`, IPv6 `/[0:0:..:1]:8080`;
//    UUID; Optional `Optional[x]` / `Optional.empty`.
//  - Jetty 9.4-12 call sites (jetty/jetty.project: Server.doStart `jetty-{}; built: {}; git: {}; jvm {}`,
//    AbstractConnector `Started {}`, ContextHandler `Started {}` / `Failed startup of context {}`,
//    QueuedThreadPool `Unexpected thread death: {} in {}`, HttpChannel `handleException {} {}`), with
//    their objects' toString (AbstractLifeCycle/ContainerLifeCycle: `Name@hex{STATE,...}`).
//  - Spring Boot / Tomcat / Hibernate / HikariCP start-up and failure messages as those projects print them.
// Usage: java -cp OUT DevLogs SEED N
import java.util.*;
import java.util.function.*;

public class DevLogs {
    static Random R;

    // slf4j MessageFormatter.arrayFormat, reduced: `{}` <- String.valueOf / Arrays.toString; `\{}` literal.
    static String format(String pattern, Object... args) {
        StringBuilder sb = new StringBuilder();
        int i = 0, a = 0;
        while (i < pattern.length()) {
            int j = pattern.indexOf("{}", i);
            if (j < 0 || a >= args.length) { sb.append(pattern, i, pattern.length()); break; }
            if (j > 0 && pattern.charAt(j - 1) == '\\') { sb.append(pattern, i, j - 1).append("{}"); i = j + 2; continue; }
            sb.append(pattern, i, j);
            Object o = args[a++];
            sb.append(o instanceof Object[] ? Arrays.toString((Object[]) o) : String.valueOf(o));
            i = j + 2;
        }
        return sb.toString();
    }

    static int n(int lo, int hi) { return lo + R.nextInt(hi - lo + 1); }
    static String pick(String... xs) { return xs[R.nextInt(xs.length)]; }
    static String hash() { return Integer.toHexString(R.nextInt() & 0x7fffffff); }
    static String word() { return pick("orders", "billing", "inventory", "users", "catalog", "search", "payments",
            "ledger", "shipping", "reports", "audit", "gateway", "profile", "session", "cart", "pricing"); }
    static String name() { return pick("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"); }
    static String ip4() { return n(10, 192) + "." + n(0, 255) + "." + n(0, 255) + "." + n(1, 254); }
    static String ip6() { return pick("0:0:0:0:0:0:0:1", "2001:db8:0:0:0:0:0:" + Integer.toHexString(n(1, 65535)),
            "fe80:0:0:0:" + Integer.toHexString(n(1, 65535)) + ":ff:fe00:" + Integer.toHexString(n(1, 4095))); }
    static String sock() { return R.nextInt(3) == 0 ? "/[" + ip6() + "]:" + n(1024, 65535) : "/" + ip4() + ":" + n(1024, 65535); }
    static String host() { return pick("db", "cache", "kafka", "api", "auth", "redis") + "-" + n(0, 9) + "." + pick("prod", "internal", "svc.cluster.local"); }
    static String uuid() { return new UUID(R.nextLong(), R.nextLong()).toString(); }
    static String dur() {  // java.time.Duration.toString
        int ms = n(1, 200000);
        if (ms >= 60000) return "PT" + ms / 60000 + "M" + (ms % 60000) / 1000 + "S";
        if (ms % 1000 == 0) return "PT" + ms / 1000 + "S";
        String frac = String.format("%03d", ms % 1000).replaceAll("0+$", "");
        return "PT" + ms / 1000 + "." + frac + "S";
    }
    static String uri() { return "/api/v" + n(1, 3) + "/" + word() + (R.nextBoolean() ? "/" + n(1, 99999) : "") + (R.nextInt(3) == 0 ? "?page=" + n(1, 50) : ""); }
    static String thread() { return pick("qtp" + n(100000000, 2000000000) + "-" + n(10, 99), "http-nio-8080-exec-" + n(1, 200),
            "main", "scheduling-1", "pool-" + n(1, 9) + "-thread-" + n(1, 30), "ForkJoinPool.commonPool-worker-" + n(1, 15)); }
    static String list(Supplier<String> item) {  // AbstractCollection.toString
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (int k = n(0, 5); k > 0; k--) j.add(item.get());
        return j.toString();
    }
    static String map() {  // AbstractMap.toString
        StringJoiner j = new StringJoiner(", ", "{", "}");
        for (int k = n(0, 4); k > 0; k--) j.add(pick("region", "tier", "retries", "zone", "mode", "limit") + "=" + pick(name(), "" + n(0, 500), word()));
        return j.toString();
    }
    static String user() {  // three toString conventions: IDE, Lombok, record
        int id = n(1, 99999);
        switch (R.nextInt(3)) {
            case 0: return "User{id=" + id + ", name='" + name() + "', active=" + R.nextBoolean() + "}";
            case 1: return "User(id=" + id + ", name=" + name() + ", roles=" + list(() -> pick("ADMIN", "USER", "AUDITOR")) + ")";
            default: return "User[id=" + id + ", email=" + name() + "@example.com]";
        }
    }

    static String nullable(Supplier<String> v) { return R.nextInt(4) == 0 ? "null" : v.get(); }
    static String optional(Supplier<String> v) { return R.nextInt(3) == 0 ? "Optional.empty" : "Optional[" + v.get() + "]"; }
    static String date() {  // java.util.Date.toString: EEE MMM dd HH:mm:ss zzz yyyy
        return pick("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun") + " " + pick("Jan", "Feb", "Mar", "Nov", "Dec") + " " + String.format("%02d %02d:%02d:%02d", n(1, 28), n(0, 23), n(0, 59), n(0, 59)) + " " + pick("UTC", "CET", "GMT") + " 2026";
    }
    static String instant() { return String.format("2026-%02d-%02dT%02d:%02d:%02d.%sZ", n(1, 12), n(1, 28), n(0, 23), n(0, 59), n(0, 59), ("" + n(100000, 999999)).substring(0, n(3, 6))); }
    static String executor() {  // ThreadPoolExecutor.toString
        return "java.util.concurrent.ThreadPoolExecutor@" + hash() + "[" + pick("Running", "Shutting down", "Terminated") + ", pool size = " + n(0, 16) + ", active threads = " + n(0, 16) + ", queued tasks = " + n(0, 999) + ", completed tasks = " + n(0, 99999) + "]";
    }
    static String future() {  // CompletableFuture.toString (JDK 9+)
        return "java.util.concurrent.CompletableFuture@" + hash() + pick("[Completed normally]", "[Not completed]", "[Not completed, " + n(1, 4) + " dependents]", "[Completed exceptionally: java.util.concurrent.TimeoutException]");
    }
    static String thread21() { return "Thread[#" + n(1, 300) + "," + thread() + "," + n(1, 10) + ",main]"; }  // Thread.toString, JDK 21
    static String order() { return "Order{id=" + n(1, 999999) + ", status=" + pick("NEW", "PAID", "SHIPPED", "CANCELLED") + ", total=" + n(1, 999) + "." + n(10, 99) + "}"; }
    static String bytes() { return R.nextBoolean() ? "" + n(0, 99999999) : n(1, 999) + pick("KB", "MB", "GB"); }
    static String exc() {
        return pick("java.io.IOException: Broken pipe", "org.eclipse.jetty.io.EofException",
                "java.util.concurrent.TimeoutException: Idle timeout expired: " + n(1000, 30000) + "/30000 ms",
                "java.net.SocketTimeoutException: Read timed out", "java.lang.IllegalStateException: s=" + pick("IDLE", "HANDLING", "COMPLETED"),
                "java.nio.channels.ClosedChannelException");
    }
    // Jetty objects' toString (AbstractLifeCycle / ContainerLifeCycle and subclasses).
    static String connector() {
        String p = pick("{HTTP/1.1, (http/1.1)}", "{HTTP/1.1, (http/1.1, h2c)}", "{SSL, (ssl, alpn, h2, http/1.1)}");
        return "ServerConnector@" + hash() + p + "{" + pick("0.0.0.0", "localhost", ip4()) + ":" + n(1024, 9999) + "}";
    }
    static String context() {
        String path = "/" + (R.nextInt(3) == 0 ? "" : word());
        return R.nextBoolean() ? "o.e.j.s.ServletContextHandler@" + hash() + "{" + path + ",null," + pick("AVAILABLE", "STARTING", "UNAVAILABLE") + "}"
                : "o.e.j.w.WebAppContext@" + hash() + "{" + path + ",file:///tmp/jetty-0_0_0_0-" + n(1024, 9999) + "-" + word() + "_war-_-any-" + n(1000000, 99999999) + "/webapp/,"
                  + pick("AVAILABLE", "UNAVAILABLE") + "}{/opt/app/" + word() + ".war}";
    }
    static String endpoint() { return "SocketChannelEndPoint@" + hash() + "{l=/" + ip4() + ":8080,r=" + sock().substring(1) + ",OPEN,fill=" + pick("-", "FI") + ",flush=-,to=" + n(0, 30000) + "/30000}"; }
    static String qtp() { return "QueuedThreadPool[qtp" + n(100000000, 2000000000) + "]@" + hash() + "{STARTED," + n(4, 8) + "<=" + n(8, 20) + "<=200,i=" + n(0, 9) + ",r=-1,q=" + n(0, 50) + "}"; }
    static String qtpThread() { return "Thread[qtp" + n(100000000, 2000000000) + "-" + n(10, 99) + ",5,main]"; }

    record T(String label, String logger, String level, String pattern, Supplier<Object[]> args) {}
    static Object[] a(Object... xs) { return xs; }

    static final List<T> TEMPLATES = List.of(
        // Jetty (jetty/jetty.project call sites)
        new T("jetty.server.start", "org.eclipse.jetty.server.Server", "INFO", "jetty-{}; built: {}; git: {}; jvm {}",
              () -> a(pick("9.4.43.v20210629", "10.0.15", "11.0.20", "12.0.5"), "2026-0" + n(1, 9) + "-1" + n(0, 9) + "T0" + n(0, 9) + ":1" + n(0, 9) + ":0" + n(0, 9) + "." + n(100, 999) + "Z", Long.toHexString(R.nextLong()) + Long.toHexString(R.nextLong()), pick("17.0.9+9", "11.0.21+9-post-Debian-1deb11u1", "21.0.1+12-LTS"))),
        new T("jetty.started", "org.eclipse.jetty.server.AbstractConnector", "INFO", "Started {}", () -> a(connector())),
        new T("jetty.connector.stopped", "org.eclipse.jetty.server.AbstractConnector", "INFO", "Stopped {}", () -> a(connector())),
        new T("jetty.started", "org.eclipse.jetty.server.handler.ContextHandler", "INFO", "Started {}", () -> a(context())),
        new T("jetty.context.failed", "org.eclipse.jetty.server.handler.ContextHandler", "WARN", "Failed startup of context {}", () -> a(context())),
        new T("jetty.server.started", "org.eclipse.jetty.server.Server", "INFO", "Started Server@{}{STARTING}[{}] @{}ms", () -> a(hash(), pick("10.0.15", "11.0.20", "12.0.5"), n(300, 9000))),
        new T("jetty.qtp.death", "org.eclipse.jetty.util.thread.QueuedThreadPool", "WARN", "Unexpected thread death: {} in {}", () -> a(pick("org.eclipse.jetty.util.thread.QueuedThreadPool$Runner@" + hash(), qtpThread()), qtp())),
        new T("jetty.channel.exception", "org.eclipse.jetty.server.HttpChannel", "WARN", "handleException {} {}", () -> a(uri(), exc())),
        new T("jetty.session.scavenge", "org.eclipse.jetty.server.session", "INFO", "node{} Scavenging every {}ms", () -> a(n(0, 3), n(60, 900) * 1000)),
        new T("jetty.session.worker", "org.eclipse.jetty.server.session.DefaultSessionIdManager", "INFO", "DefaultSessionIdManager workerName=node{}", () -> a(n(0, 3))),
        new T("jetty.idle", "org.eclipse.jetty.io.IdleTimeout", "WARN", "Idle timeout expired for {}", () -> a(endpoint())),
        new T("jetty.badmessage", "org.eclipse.jetty.http.HttpParser", "WARN", "bad HTTP parsed: {} {} for {}", () -> a(pick("400", "413", "431"), pick("Illegal character CNTL=0x" + Integer.toHexString(n(0, 31)), "Request Entity Too Large", "Request Header Fields Too Large", "No Host"), "HttpChannelOverHttp@" + hash() + "{s=HttpChannelState@" + hash() + "{s=IDLE rs=BLOCKING os=OPEN is=IDLE awp=false se=false i=true al=0},r=" + n(0, 9) + ",c=false/false,a=IDLE,uri=null,age=0}")),
        // Spring Boot / Tomcat / Hibernate / HikariCP
        new T("spring.started", "com.example.Application", "INFO", "Started {} in {} seconds (process running for {})", () -> a(DevLogs.APP, n(1, 30) + "." + n(100, 999), n(2, 40) + "." + n(10, 99))),
        new T("spring.profile", "com.example.Application", "INFO", "The following {} profile is active: {}", () -> a(1, "\"" + pick("prod", "staging", "dev", "k8s") + "\"")),
        new T("tomcat.port", "o.s.b.w.embedded.tomcat.TomcatWebServer", "INFO", "Tomcat initialized with port {} (http)", () -> a(n(1024, 9999))),
        new T("tomcat.engine", "o.apache.catalina.core.StandardEngine", "INFO", "Starting Servlet engine: [{}]", () -> a("Apache Tomcat/" + pick("9.0.", "10.1.") + n(10, 90))),
        new T("spring.context.init", "o.s.b.w.s.c.ServletWebServerApplicationContext", "INFO", "Root WebApplicationContext: initialization completed in {} ms", () -> a(n(200, 9000))),
        new T("spring.actuator", "o.s.b.a.e.web.EndpointLinksResolver", "INFO", "Exposing {} endpoint(s) beneath base path '{}'", () -> a(n(1, 20), pick("/actuator", "/manage", "/admin"))),
        new T("spring.resolved", "o.s.w.s.m.s.DefaultHandlerExceptionResolver", "WARN", "Resolved [{}]", () -> a(pick("org.springframework.web.HttpRequestMethodNotSupportedException: Request method '" + pick("POST", "PUT", "DELETE") + "' is not supported", "org.springframework.web.bind.MissingServletRequestParameterException: Required request parameter '" + pick("id", "page", "q") + "' for method parameter type " + pick("String", "Long") + " is not present", "org.springframework.http.converter.HttpMessageNotReadableException: JSON parse error: Unexpected character ('" + pick("}", "a", "x") + "' (code " + n(33, 125) + ")): was expecting double-quote to start field name"))),
        new T("tomcat.servlet.exception", "o.a.c.c.C.[.[.[/].[dispatcherServlet]", "ERROR", "Servlet.service() for servlet [{}] in context with path [{}] threw exception [{}] with root cause", () -> a("dispatcherServlet", pick("", "/api", "/" + word()), "Request processing failed: " + pick("java.lang.NullPointerException: Cannot invoke \"" + pick("String.length()", "java.util.List.size()") + "\" because \"" + pick("name", "items", "this.cache") + "\" is null", "java.lang.IllegalArgumentException: id must be positive"))),
        new T("hikari.timeout", "com.zaxxer.hikari.pool.HikariPool", "ERROR", "{} - Connection is not available, request timed out after {}ms (total={}, active={}, idle={}, waiting={})", () -> a("HikariPool-" + n(1, 3), n(1000, 30000), 10, 10, 0, n(0, 40))),
        new T("hikari.starting", "com.zaxxer.hikari.HikariDataSource", "INFO", "{} - Starting...", () -> a("HikariPool-" + n(1, 3))),
        new T("hikari.completed", "com.zaxxer.hikari.HikariDataSource", "INFO", "{} - Start completed.", () -> a("HikariPool-" + n(1, 3))),
        new T("hikari.validate", "com.zaxxer.hikari.pool.PoolBase", "WARN", "{} - Failed to validate connection {} ({}). Possibly consider using a shorter maxLifetime value.", () -> a("HikariPool-" + n(1, 3), "org.postgresql.jdbc.PgConnection@" + hash(), "This connection has been closed.")),
        new T("hibernate.sqlerror", "o.h.engine.jdbc.spi.SqlExceptionHelper", "WARN", "SQL Error: {}, SQLState: {}", () -> a(pick("0", "1062", "1213", "40001"), pick("23505", "40P01", "08006", "23000"))),
        new T("hibernate.detail", "o.h.engine.jdbc.spi.SqlExceptionHelper", "ERROR", "ERROR: duplicate key value violates unique constraint \"{}\"", () -> a(pick("users_email_key", "orders_pkey", "uk_sku_tenant", "idx_" + word() + "_id"))),
        new T("kafka.reset", "o.a.k.c.c.internals.SubscriptionState", "INFO", "[Consumer clientId={}, groupId={}] Resetting offset for partition {} to position FetchPosition{offset={}, offsetEpoch=Optional.empty, currentLeader=LeaderAndEpoch{leader=Optional[{} (id: {} rack: null)], epoch={}}}.", () -> a("consumer-" + word() + "-" + n(1, 9), word() + "-group", word() + "-events-" + n(0, 11), n(0, 9999999), host() + ":9092", n(0, 5), n(0, 40))),
        new T("kafka.disconnect", "org.apache.kafka.clients.NetworkClient", "WARN", "[Producer clientId={}] Connection to node {} ({}) could not be established. Broker may not be available.", () -> a("producer-" + n(1, 9), n(-1, 5), host() + "/" + ip4() + ":9092")),
        new T("jdk.nullable", "com.example.users.ProfileService", "DEBUG", "Resolved manager {} for user {}", () -> a(nullable(DevLogs::user), n(1, 99999))),
        new T("jdk.optional", "com.example.orders.OrderRepository", "DEBUG", "Lookup of order {} returned {}", () -> a(n(1, 999999), optional(DevLogs::order))),
        new T("jdk.empty.list", "com.example.jobs.Scheduler", "INFO", "Scheduler tick: due jobs {}, paused {}", () -> a(list(() -> word() + "-sync"), list(() -> word() + "-report"))),
        new T("jdk.date", "com.example.billing.InvoiceJob", "INFO", "Invoice run {} started at {}", () -> a(n(1, 9999), date())),
        new T("jdk.instant", "com.example.billing.InvoiceJob", "INFO", "Next invoice run scheduled at {}", () -> a(instant())),
        new T("jdk.executor", "com.example.jobs.Scheduler", "WARN", "Task rejected from {}", () -> a(executor())),
        new T("jdk.future", "com.example.client.AsyncClient", "DEBUG", "Request {} state {}", () -> a(uuid(), future())),
        new T("jdk.thread", "com.example.jobs.Watchdog", "WARN", "Thread {} blocked for {} ms", () -> a(thread21(), n(1000, 60000))),
        new T("jdk.class", "com.example.events.EventBus", "WARN", "No handler for {}", () -> a("class com.example.events." + pick("OrderCreated", "OrderPaid", "UserDeleted", "CartExpired"))),
        new T("tomcat.bracket.empty", "o.a.c.c.C.[Tomcat].[localhost]", "INFO", "Initializing Spring embedded WebApplicationContext for path [{}]", () -> a(pick("", "/", "/api", "/" + word()))),
        // destinations after a verb of motion/transfer (`Connecting to {}`), letters-only names; twins: infinitives
        new T("dest.connecting", "com.example.db.DataSourceConfig", "INFO", "Connecting to {} on port {}", () -> a(pick("postgres", "redis", "kafka", "mysql", "primary", "replica", "cassandra", "ldap"), pick("5432", "6379", "9092", "3306"))),
        new T("dest.forwarding", "com.example.gateway.Router", "DEBUG", "Forwarding request {} to {} backend", () -> a(uuid(), pick("billing", "inventory", "search", "catalog", "payments", "accounts"))),
        new T("dest.published", "com.example.events.Publisher", "INFO", "Event {} published to {} topic", () -> a(pick("OrderCreated", "OrderPaid", "UserDeleted"), pick("orders", "billing", "audit", "notifications"))),
        new T("dest.trying.connect", "com.example.db.DataSourceConfig", "WARN", "Trying to connect to {} again", () -> a(pick("postgres", "redis", "kafka", "mysql"))),
        new T("dest.trying.reconnect", "com.example.db.DataSourceConfig", "WARN", "Trying to reconnect to {} again", () -> a(pick("postgres", "redis", "kafka", "mysql"))),
        // an application's own statements (slf4j `{}` with domain objects, collections, durations, sizes)
        new T("app.order.processing", "com.example.orders.OrderService", "INFO", "Processing {} for {}", () -> a(order(), user())),
        new T("app.order.failed", "com.example.orders.OrderService", "ERROR", "Payment failed for order {}: {}", () -> a(n(1, 999999), pick("card declined", "insufficient funds", "Read timed out", "HTTP 502 from " + host()))),
        new T("app.cache.miss", "com.example.cache.CacheService", "DEBUG", "Cache miss for key {}", () -> a(word() + ":" + pick("" + n(1, 99999), uuid(), name()))),
        new T("app.cache.hit", "com.example.cache.CacheService", "DEBUG", "Cache hit for key {}", () -> a(word() + ":" + pick("" + n(1, 99999), uuid(), name()))),
        new T("app.request.done", "com.example.web.RequestLoggingFilter", "INFO", "{} {} completed in {} with status {}", () -> a(pick("GET", "POST", "PUT", "DELETE"), uri(), dur(), pick("200", "201", "204", "404", "500"))),
        new T("app.retry", "com.example.client.RetryingClient", "WARN", "Retrying {} (attempt {}/{}) after {}", () -> a(pick("POST", "GET") + " " + "https://" + host() + uri(), n(1, 5), 5, dur())),
        new T("app.login", "com.example.auth.AuthService", "INFO", "User {} logged in from {}", () -> a(name(), sock())),
        new T("app.logout", "com.example.auth.AuthService", "INFO", "User {} logged out from {}", () -> a(name(), sock())),
        new T("app.sent", "com.example.net.Uploader", "INFO", "Sent {} bytes to {} in {}", () -> a(bytes(), host(), dur())),
        new T("app.received", "com.example.queue.Listener", "INFO", "Received message {} from queue {} with headers {}", () -> a(uuid(), word() + "." + pick("events", "commands", "dlq"), map())),
        new T("app.batch", "com.example.jobs.BatchJob", "INFO", "Batch {} finished: {} items, skipped {}", () -> a(n(1, 9999), n(0, 5000), list(() -> "" + n(1, 99999)))),
        new T("app.config", "com.example.config.FeatureFlags", "INFO", "Loaded feature flags {}", () -> a(map())),
        new T("app.user.notfound", "com.example.users.UserController", "WARN", "User not found: {}", () -> a(pick("" + n(1, 99999), uuid(), name() + "@example.com"))),
        new T("app.entity.updated", "com.example.users.UserService", "INFO", "Updated {} (changed fields: {})", () -> a(user(), list(() -> pick("name", "email", "roles", "active")))),
        new T("app.listener", "com.example.events.EventBus", "DEBUG", "Registered listener {} for {}", () -> a("com.example." + pick("orders.OrderListener", "audit.AuditSink", "mail.Notifier") + "@" + hash(), pick("OrderCreated", "OrderPaid", "UserDeleted"))),
        new T("app.concat.unable", "com.example.reports.ReportService", "WARN", "Unable to render report " + "{}", () -> a(word() + "/" + n(2020, 2026) + "-" + n(1, 12) + ".pdf"))
    );

    // Whole-line layouts: logback's default pattern, Spring Boot's console pattern, Jetty's StdErrLog, log4j2.
    static int PID;
    static String APP;
    static String line(int layout, T t, String thread, String msg, int seq) {
        String time = String.format("%02d:%02d:%02d.%03d", 8 + seq / 36000 % 10, seq / 600 % 60, seq / 10 % 60, R.nextInt(1000));
        String date = "2026-12-07";
        switch (layout) {
            case 0: return time + " [" + thread + "] " + String.format("%-5s", t.level()) + " " + abbrev(t.logger(), 36) + " - " + msg;
            case 1: return date + " " + time + " " + String.format("%5s", t.level()) + " " + PID + " --- [" + String.format("%15s", tail(thread, 15)) + "] " + String.format("%-40s", abbrev(t.logger(), 40)) + " : " + msg;
            case 2: return date + " " + time + ":" + t.level() + ":" + jettyShort(t.logger()) + ":" + thread + ": " + msg;
            default: return date + " " + time + " [" + thread + "] " + t.level() + " " + abbrev(t.logger(), 20) + " - " + msg;
        }
    }
    static String tail(String s, int w) { return s.length() <= w ? s : s.substring(s.length() - w); }
    static String jettyShort(String logger) {  // StdErrLog's condensed name: oejs.Server
        String[] p = logger.split("\\.");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < p.length - 1; i++) if (!p[i].isEmpty()) sb.append(p[i].charAt(0));
        return sb + "." + p[p.length - 1];
    }
    static String abbrev(String logger, int width) {  // logback's TargetLengthBasedClassNameAbbreviator, roughly
        if (logger.length() <= width) return logger;
        String[] p = logger.split("\\.");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < p.length - 1; i++) sb.append(p[i].isEmpty() ? "" : p[i].substring(0, 1)).append('.');
        return sb + p[p.length - 1];
    }

    public static void main(String[] argv) {
        long seed = Long.parseLong(argv[0]);
        int count = Integer.parseInt(argv[1]);
        R = new Random(seed);
        int layout = (int) (seed % 4);
        PID = n(1000, 99999);
        APP = pick("Application", "OrderServiceApplication", "GatewayApplication");
        System.out.print(emit(TEMPLATES, count, layout));
    }

    // `count` lines `label \t whole line \t message` drawn with R from `templates` (DevLogs2 prints its own through
    // it). Each seed uses a random subset of call sites with a Zipf-like weight (an app's few chatty statements).
    static String emit(List<T> templates, int count, int layout) {
        List<T> ts = new ArrayList<>(templates);
        Collections.shuffle(ts, R);
        ts = ts.subList(0, n(ts.size() * 2 / 3, ts.size()));
        double[] w = new double[ts.size()];
        double sum = 0;
        for (int i = 0; i < w.length; i++) { w[i] = 1.0 / (i + 1) + 0.02; sum += w[i]; }
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < count; k++) {
            double x = R.nextDouble() * sum;
            int i = 0;
            while (i < w.length - 1 && (x -= w[i]) > 0) i++;
            T t = ts.get(i);
            String msg = format(t.pattern(), t.args().get());
            out.append(t.label()).append('\t').append(line(layout, t, thread(), msg, k)).append('\t').append(msg).append('\n');
        }
        return out.toString();
    }
}
