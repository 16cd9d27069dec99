package io.cocostream.streams.query;

import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.UnauthorizedResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Who may ask {@code serve} what. Optional TLS from a keystore (PKCS12 or JKS), which instances
 * also trust when they ask each other; optional HTTP basic or bearer auth from an auth file for
 * every path but the probes ({@code /healthz}, {@code /livez}) and {@code /metrics}; and for
 * {@code /internal/} (what instances ask each other) only a caller with the application's secret
 * in {@link #INTERNAL_HEADER}: given, or derived from the application id and the Kafka and registry
 * credentials every instance of the application holds.
 */
public final class ApiSecurity {
    /** The header an instance proves itself with on {@code /internal/}. */
    public static final String INTERNAL_HEADER = "X-Cocostream-Internal";
    /** Paths any caller may ask: probes and scrapers carry no credentials. */
    static final Set<String> OPEN = Set.of("/healthz", "/livez", "/metrics");
    /** Client settings that hold a credential: what instances of one application share and strangers lack. */
    private static final Pattern CREDENTIAL = Pattern.compile(".*(password|jaas|secret|token|user\\.info).*");

    private final SSLContext tls;
    private final List<byte[]> credentials;
    /** The internal secret as instances send it (hex of its SHA-256), and its bytes for the comparison. */
    private final String internalToken;
    private final byte[] internalTokenBytes;
    private final boolean secretFromCredentials;

    private ApiSecurity(SSLContext tls, List<byte[]> credentials, byte[] internalSecret, boolean secretFromCredentials) {
        this.tls = tls;
        this.credentials = credentials;
        this.internalToken = HexFormat.of().formatHex(internalSecret);
        this.internalTokenBytes = internalToken.getBytes(StandardCharsets.UTF_8);
        this.secretFromCredentials = secretFromCredentials;
    }

    /** Plain HTTP, no auth; {@code /internal/} for the instances of {@code applicationId} over {@code clientConfig}. */
    public static ApiSecurity open(String applicationId, Map<String, ?> clientConfig) {
        return of(null, null, null, null, applicationId, clientConfig);
    }

    /**
     * The settings of {@code serve}: each may be null (no TLS, no auth, a derived secret).
     *
     * @param keystore the server's key and certificate (PKCS12 or JKS), with {@code password}
     * @param authFile lines {@code basic USER PASSWORD} or {@code bearer TOKEN}; {@code #} starts a comment
     * @param internalSecret what instances of the application share (blank: derived)
     */
    public static ApiSecurity of(Path keystore, String password, Path authFile, String internalSecret,
            String applicationId, Map<String, ?> clientConfig) {
        SSLContext tls = keystore == null ? null : tls(keystore, password == null ? "" : password);
        List<byte[]> credentials = authFile == null ? List.of() : credentials(authFile);
        boolean given = internalSecret != null && !internalSecret.isBlank();
        TreeMap<String, String> shared = new TreeMap<>();
        clientConfig.forEach((k, v) -> {
            if (CREDENTIAL.matcher(k).matches() && v != null) {
                shared.put(k, v.toString());
            }
        });
        String material = given ? internalSecret : applicationId + "\n" + shared;
        return new ApiSecurity(tls, credentials, sha256(material), given || !shared.isEmpty());
    }

    /** Whether the internal secret rests on something a stranger lacks (a given secret, or credentials). */
    public boolean internalSecretIsPrivate() {
        return secretFromCredentials;
    }

    /** Whether serve speaks TLS. */
    public boolean tls() {
        return tls != null;
    }

    /** {@code https} or {@code http}, for the URLs instances ask each other at. */
    String scheme() {
        return tls == null ? "http" : "https";
    }

    /** The server side's TLS; null for plain HTTP. */
    SSLContext serverContext() {
        return tls;
    }

    /** A client for asking other instances: over TLS it trusts the certificates of this instance's keystore. */
    HttpClient.Builder client() {
        HttpClient.Builder b = HttpClient.newBuilder();
        return tls == null ? b : b.sslContext(tls);
    }

    /** The header value an instance sends on {@code /internal/} (and a test acting as one). */
    public String internalToken() {
        return internalToken;
    }

    /** Refuses a request its caller may not make: 403 on {@code /internal/} without the secret, 401 without credentials. */
    void check(Context ctx) {
        String path = ctx.path();
        if (path.startsWith("/internal/")) {
            String token = ctx.header(INTERNAL_HEADER);
            if (token == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), internalTokenBytes)) {
                throw new ForbiddenResponse("/internal/ is for the instances of this application only");
            }
            return;
        }
        if (credentials.isEmpty() || OPEN.contains(path)) {
            return;
        }
        String auth = ctx.header("Authorization");
        if (auth != null) {
            byte[] given = auth.trim().getBytes(StandardCharsets.UTF_8);
            for (byte[] c : credentials) {
                if (MessageDigest.isEqual(c, given)) {
                    return;
                }
            }
        }
        ctx.header("WWW-Authenticate", "Basic realm=\"cocostream\", charset=\"UTF-8\"");
        throw new UnauthorizedResponse(auth == null ? "credentials required (basic or bearer)" : "wrong credentials");
    }

    /** The Authorization header values an auth file allows. */
    private static List<byte[]> credentials(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the auth file " + file + ": " + e.getMessage(), e);
        }
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            String header;
            if (f.length == 3 && f[0].equals("basic") && !f[1].contains(":")) {
                header = "Basic " + Base64.getEncoder().encodeToString((f[1] + ":" + f[2]).getBytes(StandardCharsets.UTF_8));
            } else if (f.length == 2 && f[0].equals("bearer")) {
                header = "Bearer " + f[1];
            } else {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected 'basic USER PASSWORD' or 'bearer TOKEN'");
            }
            out.add(header.getBytes(StandardCharsets.UTF_8));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no 'basic' or 'bearer' line: nobody could call the API");
        }
        return Collections.unmodifiableList(out);
    }

    /** The keystore's key for the server, its certificates (and their chains) as what a client trusts. */
    private static SSLContext tls(Path keystore, String password) {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore ks = KeyStore.getInstance(keystore.toString().endsWith(".jks") ? "JKS" : "PKCS12");
            ks.load(in, password.toCharArray());
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password.toCharArray());
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int n = 0;
            for (String alias : Collections.list(ks.aliases())) {
                Certificate[] chain = ks.getCertificateChain(alias);
                for (Certificate c : chain == null ? new Certificate[] {ks.getCertificate(alias)} : chain) {
                    if (c != null) {
                        trusted.setCertificateEntry("c" + n++, c);
                    }
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the TLS keystore " + keystore + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the TLS keystore " + keystore + " is not usable: " + e.getMessage(), e);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
