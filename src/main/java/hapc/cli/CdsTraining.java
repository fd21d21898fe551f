package hapc.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The training run behind hapc's class-data-sharing archive (target/hapc.jsa). The build runs
 * it once with {@code -XX:ArchiveClassesAtExit}: it answers like a small HAProxy on a unix
 * socket of its own (canned text from HAProxy 2.6, in a temporary directory) and runs every
 * runtime action through {@link Cli}, output discarded, so that the classes a real call loads
 * are in the archive. Never used by a normal call; not part of the contract.
 */
public final class CdsTraining {
    private static final String STATE_HEADER = "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state"
            + " srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health"
            + " srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl"
            + " srv_check_port srv_check_addr srv_agent_addr srv_agent_port\n";
    private static final String STAT_HEADER = "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,"
            + "econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,"
            + "throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,"
            + "hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,"
            + "srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,"
            + "agent_status,agent_code,agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,"
            + "agent_rise,agent_fall,agent_health,addr,cookie,mode,algo,conn_rate,conn_rate_max,conn_tot,intercepted,"
            + "dcon,dses,wrew,connect,reuse,cache_lookups,cache_hits,srv_icur,src_ilim,qtime_max,ctime_max,rtime_max,"
            + "ttime_max,eint,idle_conn_cur,safe_conn_cur,used_conn_cur,need_conn_est,uweight,agg_server_status,"
            + "agg_server_check_status,agg_check_status,-,\n";

    /** Admin state bits of the fake servers s1..s3 of backend "app", changed by "set server". */
    private final Map<String, Integer> admin = new HashMap<>();

    private CdsTraining() {
    }

    public static void main(String[] args) throws IOException, ClassNotFoundException {
        Path dir = Files.createTempDirectory("hapc-cds-");
        try {
            new CdsTraining().train(dir, args.length > 0 && args[0].equals("--show"));
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** @param show print the answers (to check what the training exercises) instead of discarding them */
    private void train(Path dir, boolean show) throws IOException, ClassNotFoundException {
        // What hapc.Main does before Cli.run, so that those classes are archived too.
        System.console();
        Class.forName("hapc.Main", false, CdsTraining.class.getClassLoader());
        Path socket = dir.resolve("admin.sock");
        Path request = dir.resolve("request.json");
        Files.writeString(request, "{\"action\":\"drain-server\",\"backend\":\"app\",\"server\":\"s2\",\"check_mode\":true}");
        // A refused one too: the compiled schema refuses, networknt words the message.
        Path refused = dir.resolve("refused.json");
        Files.writeString(refused, "{\"action\":\"list-servers\",\"backend\":\"app\",\"wait\":1}");
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, "global\n    stats socket " + socket + " mode 600 level admin\ndefaults\n    mode http\n"
                + "frontend www\n    bind 127.0.0.1:8080\n    default_backend app\n"
                + "backend app\n    server s1 127.0.0.1:8001\n    server s2 127.0.0.1:8002\n    server s3 127.0.0.1:8003\n");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread answering = new Thread(() -> serve(server), "fake-haproxy");
            answering.setDaemon(true);
            answering.start();
            String k = socket.toString();
            // the lock and hold files of the writing calls stay in the training's own directory
            String state = dir.resolve("state").toString();
            String[][] calls = {
                {"list-servers", "-b", "app", "-k", k, "--state-dir", state},
                {"list-servers", "-b", "app", "-d", "-k", k, "--state-dir", state},
                {"list-servers", "-b", "app", "-d", "--text", "-k", k, "--state-dir", state},
                {"list-backends", "-k", k, "--state-dir", state},
                {"enable-server", "-b", "app", "-s", "s1", "-k", k, "--state-dir", state},
                {"drain-server", "-b", "app", "-s", "s1", "-C", "-k", k, "--state-dir", state},
                {"drain-server", "-b", "app", "-s", "s1", "-w", "-t", "1", "-k", k, "--state-dir", state},
                {"list-connections", "-b", "app", "-s", "s1", "-k", k, "--master-socket", k},
                {"check-safe-to-remove", "-b", "app", "-s", "s1", "-k", k, "--state-dir", state},
                {"enable-server", "-b", "app", "-s", "s1", "-k", k, "--state-dir", state},
                {"stop-server", "-b", "app", "-s", "s3", "-k", k, "--state-dir", state},
                {"list-servers", "-b", "nosuch", "-k", k, "--state-dir", state},
                {"list-servers", "-b", "app", "-c", config.toString()},
                {"list-backends", "-l", "-c", config.toString()},
                {"list-frontends", "-c", config.toString()},
                {"list-config-backends", "-c", config.toString()},
                {"list-connections", "-b", "app", "-s", "nosuch", "-k", k, "--state-dir", state},
                {"--json-in", request.toString(), "-k", k, "--state-dir", state},
                {"--json-in", refused.toString(), "-k", k, "--state-dir", state},
                {"no-such-action"},
                {"--help"},
            };
            PrintStream discard = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
            for (String[] call : calls) {
                int status = new Cli(System.in, show ? System.out : discard, discard, false).run(call);
                if (show) {
                    System.out.println("exit " + status + " <- " + String.join(" ", call));
                }
            }
        }
    }

    /** A server line of {@code show stat}, its cells placed by the header's column names. */
    private static String statRow(String server, String status, int port) {
        String[] columns = STAT_HEADER.substring(2).split(",");
        String[] cells = new String[columns.length];
        for (int i = 0; i < columns.length; i++) {
            cells[i] = switch (columns[i]) {
                case "pxname" -> "app";
                case "svname" -> server;
                case "status" -> status;
                case "weight", "uweight" -> "1";
                case "type" -> "2";
                case "scur", "qcur" -> "0";
                case "check_status" -> "L4OK";
                case "addr" -> "127.0.0.1:" + port;
                default -> "";
            };
        }
        return String.join(",", cells) + ",\n";
    }

    private void serve(ServerSocketChannel server) {
        while (true) {
            try (SocketChannel client = server.accept()) {
                ByteBuffer in = ByteBuffer.allocate(8192);
                while (client.read(in) >= 0 && (in.position() == 0 || in.get(in.position() - 1) != '\n')) {
                    // read the one command line
                }
                String line = new String(in.array(), 0, in.position(), StandardCharsets.UTF_8).strip();
                StringBuilder answer = new StringBuilder();
                for (String command : line.split("; ")) {
                    answer.append(answer(command.replaceFirst("^@!\\d+ ", ""))).append('\n');
                }
                client.write(ByteBuffer.wrap(answer.toString().getBytes(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return;
                }
                throw new UncheckedIOException(e);
            }
        }
    }

    /** One command's answer, without the empty line that ends it. */
    private synchronized String answer(String command) {
        String[] words = command.split(" ");
        if (command.startsWith("show servers state ") || command.startsWith("show stat ")) {
            String backend = words[command.startsWith("show stat ") ? 2 : 3];
            if (!backend.equals("app")) {
                return command.startsWith("show stat ") ? "[3]: No such proxy.\n" : "[3]: Can't find backend.\n";
            }
            StringBuilder text = new StringBuilder(command.startsWith("show stat ") ? STAT_HEADER : STATE_HEADER);
            for (int i = 1; i <= 3; i++) {
                String name = "s" + i;
                int bits = admin.getOrDefault(name, 0);
                if (command.startsWith("show stat ")) {
                    text.append(statRow(name, bits == 0 ? "UP" : (bits & 1) != 0 ? "MAINT" : "DRAIN", 8000 + i));
                } else {
                    text.append("2 app ").append(i).append(' ').append(name).append(" 127.0.0.1 2 ").append(bits)
                            .append(" 1 1 5 6 3 4 6 0 0 0 - ").append(8000 + i).append(" - 0 0 - - 0\n");
                }
            }
            return text.toString();
        }
        if (command.startsWith("set server app/")) {
            String server = words[2].substring("app/".length());
            admin.put(server, switch (words[4]) {
                case "maint" -> 1;
                case "drain" -> 8;
                default -> 0;
            });
            return "";
        }
        return switch (command) {
            case "show backend" -> "# name\napp\nother\n";
            case "show info" -> "Name: HAProxy\nVersion: 2.6.12\nPid: 101\n";
            case "show proc" -> "#<PID>          <type>          <reloads>       <uptime>        <version>\n"
                    + "100             master          0 [failed: 0]   0d00h00m05s     2.6.12\n# workers\n"
                    + "101             worker          0               0d00h00m05s     2.6.12\n# old workers\n"
                    + "99              worker          1               0d00h00m09s     2.6.12\n# programs\n";
            default -> "";
        };
    }
}
