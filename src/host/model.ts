/**
 * A container host as Shipshape reads it from its filesystem: the engines installed there and the
 * containers their state on disk describes. Engine readers (`engines/*`) fill these in; nothing here
 * is read from a daemon.
 */

/** `buildah`: Buildah's working containers (builds in progress) in the store Podman and CRI-O share. */
export type EngineKind = 'docker' | 'containerd' | 'cri-o' | 'podman' | 'buildah';

/** A bind or volume mount of a container, as its engine recorded it. */
export interface HostMount {
  /** The host path (bind), or the volume's name. */
  source: string;
  /** The path inside the container. */
  destination: string;
  /** `bind`, `volume`, `tmpfs`... as the engine names it. */
  type: string;
  readOnly: boolean;
}

/**
 * Where a container's writable layer and its image's layers lie on the host, as the engine's storage
 * driver laid them out:
 * - `overlay`: each image layer is a directory holding only what that layer changed (overlayfs
 *   whiteouts are character devices 0/0), and the writable layer is the container's upper directory;
 * - `full`: every layer is a complete copy of the filesystem (containers/storage `vfs`): the image's
 *   top layer and the container's own copy are compared.
 * Paths are absolute paths on the host (under `--root`).
 */
export type ContainerLayers = { kind: 'overlay'; lower: string[]; upper: string } | { kind: 'full'; image: string; container: string };

/** One container found in an engine's state on disk. */
export interface HostContainer {
  id: string;
  name: string;
  engine: EngineKind;
  image: {
    /** The reference it was created from (`docker.io/library/nginx:1.27`), when the engine kept it. */
    reference?: string | undefined;
    /** The image's manifest digest (`sha256:…`), when the engine kept it. */
    digest?: string | undefined;
    /** The engine's image id (for Docker and containers/storage: the config digest). */
    id?: string | undefined;
  };
  /** RFC 3339 times, when recorded. */
  created?: string | undefined;
  started?: string | undefined;
  /** `running`, `exited`, `created`..., when recorded. */
  state?: string | undefined;
  /** Undefined when the engine's state does not say (the container's runtime config was not found). */
  privileged: boolean | undefined;
  /** The user the process runs as (`1000`, `app`, `0:0`); undefined when not recorded, `''` for the image's default. */
  user?: string | undefined;
  /** Capabilities added to and dropped from the engine's default set (`CAP_` prefix dropped, upper case). */
  capabilities?: { added: string[]; dropped: string[] } | undefined;
  mounts: HostMount[];
  /** `bridge`, `host`, `none`, `container:<id>`...; undefined when not recorded. */
  networkMode?: string | undefined;
  readOnlyRootfs?: boolean | undefined;
  /** The Kubernetes pod it belongs to, from the engine's labels or annotations. */
  pod?: { namespace: string; name: string; container?: string | undefined } | undefined;
  /** Where its layers are; a string says why they were not found (then its drift is unknown). */
  layers: ContainerLayers | string;
}

/** A container's facts without where its layers are (what the report shows and the rules read). */
export type ContainerFacts = Omit<HostContainer, 'layers'>;

/** An engine found on the host: its version and configuration files, and the containers of its state. */
export interface EngineFound {
  kind: EngineKind;
  /** The installed version; undefined when no package database or binary says. */
  version?: string | undefined;
  /** Where the version was read (`dpkg docker-ce`, `rpm containerd.io`, `go build info of /usr/bin/containerd`). */
  versionSource?: string | undefined;
  /** Its state directory on the host (`/var/lib/docker`). */
  stateDir?: string | undefined;
  containers: HostContainer[];
  /** What could not be read (a container's state unparsable, a directory over its bound): shown, never dropped. */
  problems: string[];
}
