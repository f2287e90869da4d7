package org.citygraph.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.io.ByteUnit;

import inet.ipaddr.IPAddressString;

/**
 * Runs Neo4j Community embedded, reachable only over Bolt on 127.0.0.1.
 *
 * Usage: java -jar launcher.jar --home DIR --bolt-port N [--pagecache MB]
 * The password for user "neo4j" comes from the environment variable CITYGRAPH_NEO4J_PASSWORD (never argv,
 * which other local users can read). Prints one line "CITYGRAPH-NEO4J-READY bolt://127.0.0.1:N" when Bolt
 * accepts connections, and shuts the database down cleanly on SIGTERM/SIGINT.
 *
 * LOAD CSV can read nothing: file URLs are off (and confined to an empty import folder should anyone turn them
 * back on), and every IPv4/IPv6 address is on Cypher's IP blocklist, so no http/https/ftp URL is fetched, loopback
 * included. CityGraph's importers read files in Python and never use LOAD CSV.
 */
public final class Launcher {
    public static final String READY = "CITYGRAPH-NEO4J-READY";

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        Path home = Path.of(require(options, "--home")).toAbsolutePath();
        int boltPort = Integer.parseInt(require(options, "--bolt-port"));
        long pageCacheMb = Long.parseLong(options.getOrDefault("--pagecache", "512"));
        String password = System.getenv("CITYGRAPH_NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            fail("CITYGRAPH_NEO4J_PASSWORD must be set to at least 8 characters");
        }
        Files.createDirectories(home);
        Path importDir = Files.createDirectories(home.resolve("import"));

        DatabaseManagementService service = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", boltPort))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", boltPort))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
                // Embedded Neo4j has no import root by default: LOAD CSV could read any file the process can.
                .setConfig(GraphDatabaseSettings.allow_file_urls, false)
                .setConfig(GraphDatabaseSettings.load_csv_file_url_root, importDir)
                .setConfig(GraphDatabaseInternalSettings.cypher_ip_blocklist,
                        List.of(new IPAddressString("0.0.0.0/0"), new IPAddressString("::/0")))
                // Bolt waits 5 s twice on shutdown by default; a local single-user database needs 1 s.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // The shutdown hook runs on SIGTERM/SIGINT: closing the service checkpoints the store, so the
            // next start needs no recovery.
            service.shutdown();
            System.out.println("CITYGRAPH-NEO4J-STOPPED");
            System.out.flush();
            stopped.countDown();
        }, "citygraph-neo4j-shutdown"));

        try {
            setPassword(service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME), password);
        } catch (RuntimeException e) {
            // Without this the database's own threads would keep the JVM alive, never ready.
            e.printStackTrace();
            System.exit(1);
        }

        System.out.println(READY + " bolt://127.0.0.1:" + boltPort);
        System.out.flush();
        stopped.await();
    }

    /** Re-applied at every start so the password kept in CITYGRAPH_HOME is always the one that works. */
    private static void setPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        } catch (QueryExecutionException e) {
            // Neo4j refuses to "change" a password to itself: then it is already the right one.
            if (!e.getMessage().contains("cannot be the same")) {
                throw e;
            }
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                fail("unexpected argument: " + args[i]);
            }
            options.put(args[i], args[++i]);
        }
        return options;
    }

    private static String require(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            fail("missing " + name);
        }
        return value;
    }

    private static void fail(String message) {
        System.err.println("citygraph-neo4j-launcher: " + message);
        System.exit(2);
    }
}
