/*
 * The admin steps the HBase test server and its tests need, through HBase's own Java client
 * (hbase-rpc-client, the Node client, has no admin API):
 *
 *   ready                            exit 0 once the master is initialised and a table can be
 *                                    created, written and read (creates `kindling_ready`)
 *   create <table> <f1,f2> [split..] create a table (families comma-separated) if it is absent,
 *                                    pre-split at the given row keys; waits until it is available
 *   tables <table>=<f1,f2>...        create several tables (one JVM start for all of them)
 *   drop <table>                     disable and delete a table if it exists
 *   split <table> <row>              split the region holding <row> at <row>; waits until both
 *                                    daughters are online
 *   regions <table>                  print each region as `<name>\t<startKey>\t<endKey>\t<server>`
 *
 * ZooKeeper is 127.0.0.1:$KINDLING_HBASE_ZK_PORT (12181). Compiled once by
 * scripts/servers/hbase.ts into .cache/servers/hbase-<version>/tool.
 */
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.HRegionLocation;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptorBuilder;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.RegionLocator;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;

public final class KindlingHBaseAdmin {
  private KindlingHBaseAdmin() {}

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0) usage();
    Configuration conf = HBaseConfiguration.create();
    String zkPort = System.getenv().getOrDefault("KINDLING_HBASE_ZK_PORT", "12181");
    conf.set("hbase.zookeeper.quorum", "127.0.0.1");
    conf.set("hbase.zookeeper.property.clientPort", zkPort);
    boolean ready = args[0].equals("ready");
    // `ready` is polled: fail fast while the master starts; the others may wait for it.
    conf.setInt("hbase.client.retries.number", ready ? 2 : 15);
    conf.setInt("hbase.client.pause", 200);
    conf.setInt("zookeeper.recovery.retry", ready ? 0 : 3);
    conf.setInt("hbase.client.operation.timeout", ready ? 10_000 : 60_000);
    try (Connection connection = ConnectionFactory.createConnection(conf);
        Admin admin = connection.getAdmin()) {
      switch (args[0]) {
        case "ready" -> ready(connection, admin);
        case "create" -> {
          if (args.length < 3) usage();
          create(admin, args[1], args[2].split(","), Arrays.copyOfRange(args, 3, args.length));
        }
        case "tables" -> {
          if (args.length < 2) usage();
          for (String spec : Arrays.copyOfRange(args, 1, args.length)) {
            String[] parts = spec.split("=", 2);
            if (parts.length != 2) usage();
            create(admin, parts[0], parts[1].split(","), new String[0]);
          }
        }
        case "drop" -> {
          if (args.length != 2) usage();
          drop(admin, TableName.valueOf(args[1]));
        }
        case "split" -> {
          if (args.length != 3) usage();
          split(connection, admin, TableName.valueOf(args[1]), bytes(args[2]));
        }
        case "regions" -> {
          if (args.length != 2) usage();
          regions(connection, TableName.valueOf(args[1]));
        }
        default -> usage();
      }
    }
  }

  private static void usage() {
    System.err.println("usage: KindlingHBaseAdmin ready | create <table> <f1,f2> [split...] | "
        + "tables <table>=<f1,f2>... | drop <table> | split <table> <row> | regions <table>");
    System.exit(2);
  }

  private static void ready(Connection connection, Admin admin) throws Exception {
    TableName name = TableName.valueOf("kindling_ready");
    create(admin, name.getNameAsString(), new String[] {"f"}, new String[0]);
    try (Table table = connection.getTable(name)) {
      table.put(new Put(bytes("probe")).addColumn(bytes("f"), bytes("q"), bytes("ok")));
      byte[] value = table.get(new Get(bytes("probe"))).getValue(bytes("f"), bytes("q"));
      if (value == null || !"ok".equals(new String(value, StandardCharsets.UTF_8))) {
        throw new IllegalStateException("the readiness probe read back " + Arrays.toString(value));
      }
    }
  }

  private static void create(Admin admin, String table, String[] families, String[] splits)
      throws Exception {
    TableName name = TableName.valueOf(table);
    if (!admin.tableExists(name)) {
      TableDescriptorBuilder builder = TableDescriptorBuilder.newBuilder(name);
      for (String family : families) {
        builder.setColumnFamily(ColumnFamilyDescriptorBuilder.of(family));
      }
      byte[][] keys = Arrays.stream(splits).map(KindlingHBaseAdmin::bytes).toArray(byte[][]::new);
      if (keys.length == 0) admin.createTable(builder.build());
      else admin.createTable(builder.build(), keys);
    }
    waitUntil(() -> admin.isTableAvailable(name), "table " + table + " to be available");
  }

  private static void drop(Admin admin, TableName name) throws Exception {
    if (!admin.tableExists(name)) return;
    if (admin.isTableEnabled(name)) admin.disableTable(name);
    admin.deleteTable(name);
  }

  private static void split(Connection connection, Admin admin, TableName name, byte[] row)
      throws Exception {
    int before;
    try (RegionLocator locator = connection.getRegionLocator(name)) {
      before = locator.getAllRegionLocations().size();
    }
    admin.flush(name);
    admin.split(name, row);
    waitUntil(() -> {
      try (RegionLocator locator = connection.getRegionLocator(name)) {
        locator.clearRegionLocationCache();
        List<HRegionLocation> all = locator.getAllRegionLocations();
        return all.size() > before && all.stream().allMatch(l -> l.getServerName() != null);
      }
    }, "the split of " + name + " to complete");
  }

  private static void regions(Connection connection, TableName name) throws Exception {
    try (RegionLocator locator = connection.getRegionLocator(name)) {
      for (HRegionLocation l : locator.getAllRegionLocations()) {
        System.out.println(l.getRegion().getRegionNameAsString() + "\t"
            + new String(l.getRegion().getStartKey(), StandardCharsets.UTF_8) + "\t"
            + new String(l.getRegion().getEndKey(), StandardCharsets.UTF_8) + "\t"
            + l.getServerName());
      }
    }
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static void waitUntil(Check check, String what) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (!check.ok()) {
      if (System.currentTimeMillis() > deadline) throw new IllegalStateException("timed out waiting for " + what);
      Thread.sleep(100);
    }
  }
}
