package hapc.runtime;

/** What hapc takes from a server's {@code show stat} line. */
public record StatRow(String server, String status, int weight, String address, ServerLoad load, String checkStatus) {
}
