/** Passwords are kept only as slow, salted hashes (scrypt); this is everything the service does with them. */
export interface Passwords {
  hash(password: string): Promise<string>;
  /** Whether the password is the one the hash was made of; false for a hash it cannot read. */
  verify(password: string, hash: string): Promise<boolean>;
  /** A strong password for someone who did not choose one. */
  generate(): string;
}
