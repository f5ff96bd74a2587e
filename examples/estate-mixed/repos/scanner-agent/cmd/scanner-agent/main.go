// Command scanner-agent reads barcode scans from the depot's USB scanners and posts them to the
// tracking API.
package main

import (
	"bufio"
	"log"
	"net/http"
	"os"
	"strings"
)

func main() {
	api := os.Getenv("TRACKING_API_URL")
	scanner := bufio.NewScanner(os.Stdin)
	for scanner.Scan() {
		code := strings.TrimSpace(scanner.Text())
		if code == "" {
			continue
		}
		resp, err := http.Post(api+"/v1/scans/"+code, "text/plain", nil)
		if err != nil {
			log.Printf("scan %s: %v", code, err)
			continue
		}
		resp.Body.Close()
	}
}
