package io.modularddd.eventstore.redis;

import io.modularddd.testkit.ServiceFixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A private certificate authority and a server certificate it signed that names only the DNS name
 * {@code localhost} (not the address {@code 127.0.0.1}), made with the {@code openssl} command in a
 * temporary directory, for a {@link LocalRedis#startTls TLS Redis}. {@link #trustingTheCa()} is an
 * {@link SSLContext} that trusts that CA and nothing else — no JVM-wide {@code javax.net.ssl.*}
 * property is touched. {@link #close()} deletes the files.
 */
final class TestCertificates implements AutoCloseable {

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Makes the CA and the {@code localhost} server certificate; aborts the test when openssl is missing. */
    static TestCertificates forLocalhostOnly() {
        requireOpenssl();
        TestCertificates certs = new TestCertificates(LocalRedis.tempDir());
        try {
            certs.run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
                    "ca.crt", "-days", "2", "-subj", "/CN=modularddd test CA");
            certs.run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out",
                    "server.csr", "-subj", "/CN=localhost");
            Files.writeString(certs.dir.resolve("san.cnf"), "subjectAltName=DNS:localhost\n");
            certs.run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                    "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "san.cnf");
        } catch (IOException | RuntimeException e) {
            certs.close();
            throw new IllegalStateException("could not make the test certificates", e);
        }
        return certs;
    }

    private static void requireOpenssl() {
        try {
            Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return;
            }
        } catch (IOException e) {
            // fall through
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String message = "openssl is not on the PATH; install it (apt-get install openssl) to run the TLS tests.";
        if (Boolean.getBoolean(ServiceFixtures.REQUIRE_SERVICES_PROPERTY)) {
            Assertions.fail(message);
        }
        Assumptions.abort(message);
    }

    private void run(String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + command[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The {@code redis-server} arguments that serve this certificate; no client certificate is asked for. */
    List<String> redisArgs() {
        return new ArrayList<>(List.of("--tls-cert-file", dir.resolve("server.crt").toString(),
                "--tls-key-file", dir.resolve("server.key").toString(),
                "--tls-ca-cert-file", dir.resolve("ca.crt").toString(), "--tls-auth-clients", "no"));
    }

    /** A TLS context that trusts the private CA only. */
    SSLContext trustingTheCa() {
        try (InputStream in = Files.newInputStream(dir.resolve("ca.crt"))) {
            Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("modularddd-test-ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not load the test CA", e);
        }
    }

    @Override
    public void close() {
        LocalRedis.deleteRecursively(dir);
    }
}
