package example.northwind.billing

/** Invoices the shipments delivered since the last run; `--health` answers the container health check. */
fun main(args: Array<String>) {
    if ("--health" in args) return
    println("billing-worker: waiting for delivered shipments")
}
