/** A database the kit can't use as asked: its URL, its roles, its sessions, its snapshots; and what to do. */
import { KitError } from '../kit-error.ts';

export class DatabaseError extends KitError {}
