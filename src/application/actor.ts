/** Who does an admin action, as its audit row names them. */
export interface Actor {
  /** The signed-in account name. */
  readonly actor: string;
  readonly remoteAddress: string;
}
