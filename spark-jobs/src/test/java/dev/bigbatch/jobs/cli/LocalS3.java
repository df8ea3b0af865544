package dev.bigbatch.jobs.cli;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

import java.net.URI;
import java.util.Map;
import java.util.UUID;

/**
 * A real S3 server in the test JVM: S3Proxy over jclouds' in-memory ("transient") blob store, listening on
 * 127.0.0.1 only, requiring AWS v2/v4 signatures with a fresh random secret key per instance, holding one bucket.
 * Clients reach it through Hadoop's s3a connector with path-style access, as any S3-compatible store (MinIO, Ceph).
 */
final class LocalS3 implements AutoCloseable {
    static final String BUCKET = "bigbatch-test";
    static final String ACCESS_KEY = "bigbatch-test-access";
    private static final long START_TIMEOUT_MS = 30_000;

    private final String secretKey = "bbsecret" + UUID.randomUUID().toString().replace("-", "");
    private final BlobStoreContext store;
    private final S3Proxy proxy;

    LocalS3() throws Exception {
        store = ContextBuilder.newBuilder("transient").build(BlobStoreContext.class);
        proxy = S3Proxy.builder().blobStore(store.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, secretKey).build();
        proxy.start();
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.currentTimeMillis() > deadline) {
                close();
                throw new IllegalStateException("S3Proxy did not start within " + START_TIMEOUT_MS + " ms");
            }
            Thread.sleep(10);
        }
        store.getBlobStore().createContainerInLocation(null, BUCKET);
    }

    String secretKey() {
        return secretKey;
    }

    /** {@code s3a://bigbatch-test/<path>}. */
    String uri(String path) {
        return "s3a://" + BUCKET + "/" + path;
    }

    /**
     * The s3a settings a user would put in core-site.xml for an S3-compatible store: endpoint, path-style access,
     * plain HTTP, and the keys, which s3a's default provider chain reads from the configuration.
     */
    Map<String, String> hadoopSettings() {
        return Map.of(
                "fs.s3a.endpoint", "http://127.0.0.1:" + proxy.getPort(),
                "fs.s3a.endpoint.region", "us-east-1",
                "fs.s3a.path.style.access", "true",
                "fs.s3a.connection.ssl.enabled", "false",
                "fs.s3a.access.key", ACCESS_KEY,
                "fs.s3a.secret.key", secretKey);
    }

    @Override
    public void close() throws Exception {
        try {
            proxy.stop();
        } finally {
            store.close();
        }
    }
}
