package io.cocostream.cli;

/** Quiet library logs by default; cocostream's own at info. Overridable with -D on the JVM. */
final class Logging {
    private Logging() {}

    static void configure() {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.io.cocostream", "info");
        // The in-process broker narrates its own start and stop at WARN; only its errors matter here.
        setIfAbsent("org.slf4j.simpleLogger.log.kafka", "error");
        setIfAbsent("org.slf4j.simpleLogger.log.org.apache.kafka.controller", "error");
        setIfAbsent("org.slf4j.simpleLogger.log.org.apache.kafka.clients.NetworkClient", "error");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        // Generated Avro classes are read reflectively; Avro 1.12.2 wants their package trusted.
        setIfAbsent("org.apache.avro.SERIALIZABLE_PACKAGES", "io.cocostream.schemas.avro");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
