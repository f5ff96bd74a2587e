// Command tracking-api serves the status of a shipment by its tracking number.
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"strings"
)

type status struct {
	Tracking string `json:"tracking"`
	State    string `json:"state"`
}

func main() {
	http.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	http.HandleFunc("/v1/shipments/", func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimPrefix(r.URL.Path, "/v1/shipments/")
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(status{Tracking: id, State: "in-transit"})
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}
