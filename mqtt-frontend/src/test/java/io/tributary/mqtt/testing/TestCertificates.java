/* Licensed under the Apache License, Version 2.0. See LICENSE in the project root. */
package io.tributary.mqtt.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate authority made at test time with the JDK's keytool (no private key is committed, nothing
 * expires in the repository), and certificates it signs: for the node (SAN 127.0.0.1 and localhost) and for
 * clients (subject {@code CN=<name>}). Each comes as PEM files (chain and PKCS#8 key) and as a PKCS12 keystore.
 */
public final class TestCertificates {

    public static final String PASSWORD = "test-store-pw";

    /** One certificate and its key, in the forms the node and the clients read. */
    public record Issued(Path certPem, Path keyPem, Path pkcs12) {

        public KeyManagerFactory keyManagers() throws IOException, GeneralSecurityException {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(pkcs12)) {
                store.load(in, PASSWORD.toCharArray());
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, PASSWORD.toCharArray());
            return keys;
        }
    }

    private final Path dir;
    private final String caAlias;

    private TestCertificates(Path dir, String caAlias) {
        this.dir = dir;
        this.caAlias = caAlias;
    }

    /** A new CA named {@code CN=<name>} in a new temporary directory. */
    public static TestCertificates authority(String name) {
        try {
            Path dir = Files.createTempDirectory("tributary-tls-");
            dir.toFile().deleteOnExit();
            TestCertificates ca = new TestCertificates(dir, name);
            ca.keytool(
                    "-genkeypair",
                    "-alias",
                    name,
                    "-dname",
                    "CN=" + name,
                    "-ext",
                    "bc:c",
                    "-keystore",
                    ca.store(name).toString());
            ca.keytool(
                    "-exportcert",
                    "-rfc",
                    "-alias",
                    name,
                    "-keystore",
                    ca.store(name).toString(),
                    "-file",
                    ca.caPem().toString());
            return ca;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The PEM file of this CA's certificate: the node's {@code tls.ca.file}, the clients' trust. */
    public Path caPem() {
        return dir.resolve(caAlias + "-ca.pem");
    }

    public TrustManagerFactory trustManagers() throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", caCertificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf;
    }

    /** A PKCS12 trust store (password {@link #PASSWORD}) holding this CA, for clients that read a store file. */
    public Path trustStore() {
        Path file = dir.resolve(caAlias + "-trust.p12");
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", caCertificate());
            try (OutputStream out = Files.newOutputStream(file)) {
                trust.store(out, PASSWORD.toCharArray());
            }
            return file;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A certificate for the node, valid for 127.0.0.1 and localhost. */
    public Issued server(String name) {
        return issue(name, "san=ip:127.0.0.1,dns:localhost");
    }

    /** A client certificate with subject {@code CN=<commonName>,O=tributary-tests}. */
    public Issued client(String commonName) {
        return issue(commonName, "eku=clientAuth");
    }

    /**
     * A client certificate with subject alternative names in keytool's form, e.g.
     * {@code dns:dev-1.acme.test,email:dev-1@acme.test,uri:spiffe://acme.test/device/dev-1}.
     */
    public Issued clientWithNames(String commonName, String alternativeNames) {
        return issue(commonName, "eku=clientAuth", "-ext", "san=" + alternativeNames);
    }

    /** A client certificate that expired yesterday (valid for one day from three days ago). */
    public Issued expiredClient(String commonName) {
        return issue(commonName, "eku=clientAuth", "-startdate", "-3d", "-validity", "1");
    }

    /**
     * A new certificate for the node under {@code name}, written over the files of an earlier one of that name (a
     * renewal: new key, new serial), for reload tests.
     */
    public Issued renewServer(String name) {
        try {
            Files.deleteIfExists(store(name)); // keytool will not make a second key under one alias
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return server(name);
    }

    private Issued issue(String name, String extension, String... gencertOptions) {
        try {
            Path store = store(name);
            keytool(
                    "-genkeypair",
                    "-alias",
                    name,
                    "-dname",
                    "CN=" + name + ",O=tributary-tests",
                    "-keystore",
                    store.toString());
            Path csr = dir.resolve(name + ".csr");
            keytool("-certreq", "-alias", name, "-keystore", store.toString(), "-file", csr.toString());
            Path signed = dir.resolve(name + "-signed.pem");
            List<String> gencert = new ArrayList<>(List.of(
                    "-gencert",
                    "-rfc",
                    "-alias",
                    caAlias,
                    "-keystore",
                    store(caAlias).toString(),
                    "-infile",
                    csr.toString(),
                    "-outfile",
                    signed.toString(),
                    "-ext",
                    extension));
            gencert.addAll(List.of(gencertOptions));
            keytool(gencert.toArray(String[]::new));
            return write(name, store, signed);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Puts the signed chain beside the key in the keystore and writes the PEM forms. */
    private Issued write(String name, Path store, Path signed) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        PrivateKey key = (PrivateKey) ks.getKey(name, PASSWORD.toCharArray());
        X509Certificate leaf;
        try (InputStream in = Files.newInputStream(signed)) {
            leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        Certificate[] chain = {leaf, caCertificate()};
        ks.setKeyEntry(name, key, PASSWORD.toCharArray(), chain);
        try (OutputStream out = Files.newOutputStream(store)) {
            ks.store(out, PASSWORD.toCharArray());
        }
        List<String> pem = new ArrayList<>();
        for (Certificate c : chain) {
            pem.add(pem("CERTIFICATE", c.getEncoded()));
        }
        Path certPem = dir.resolve(name + "-chain.pem");
        Files.writeString(certPem, String.join("", pem));
        Path keyPem = dir.resolve(name + "-key.pem");
        Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded())); // PKCS#8
        return new Issued(certPem, keyPem, store);
    }

    private X509Certificate caCertificate() throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(caPem())) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private Path store(String name) {
        return dir.resolve(name + ".p12");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Runs keytool with EC P-256 keys, one day of validity, the test store password. */
    private void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-J-Xshare:auto"));
        command.addAll(List.of(args));
        if (List.of(args).contains("-genkeypair")) {
            command.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2"));
        }
        if (List.of(args).contains("-gencert") && !List.of(args).contains("-validity")) {
            command.addAll(List.of("-validity", "2"));
        }
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-noprompt"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
