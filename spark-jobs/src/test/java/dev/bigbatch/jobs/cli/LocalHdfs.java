package dev.bigbatch.jobs.cli;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A real HDFS in the test JVM: Hadoop's MiniDFSCluster (one NameNode, one DataNode, from the shaded
 * hadoop-client-minicluster), every server socket on the loopback interface, its storage under a temporary directory.
 */
final class LocalHdfs implements AutoCloseable {
    private static final String LOOPBACK_ANY_PORT = "127.0.0.1:0";
    private final MiniDFSCluster cluster;

    LocalHdfs(Path baseDir) throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, baseDir.toString());
        conf.setInt("dfs.replication", 1);
        for (String key : new String[]{"dfs.namenode.http-address", "dfs.namenode.https-address",
                "dfs.datanode.address", "dfs.datanode.http.address", "dfs.datanode.https.address",
                "dfs.datanode.ipc.address"}) {
            conf.set(key, LOOPBACK_ANY_PORT);
        }
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
    }

    /** {@code hdfs://127.0.0.1:<port>/<path>}. */
    String uri(String path) {
        return "hdfs://127.0.0.1:" + cluster.getNameNodePort() + "/" + path;
    }

    @Override
    public void close() {
        cluster.shutdown(true);
    }
}
