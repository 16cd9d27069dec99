package io.cocostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Certificates the security tests make for themselves with the JDK's keytool. */
final class Certificates {
    private Certificates() {}

    /** A key pair and a certificate for 127.0.0.1, by the JDK's keytool, and a truststore holding the certificate. */
    static void selfSigned(Path keystore, Path truststore, String password) throws Exception {
        Path cert = keystore.resolveSibling(keystore.getFileName() + ".crt");
        keytool("-genkeypair", "-alias", "cocostream", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", password, "-keypass", password);
        keytool("-exportcert", "-alias", "cocostream", "-keystore", keystore.toString(), "-storepass", password,
                "-rfc", "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "cocostream", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", truststore.toString(), "-storepass", password);
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "keytool " + String.join(" ", args) + ": " + out);
    }
}
