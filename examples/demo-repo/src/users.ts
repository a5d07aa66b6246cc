export interface User {
  id: string;
  name: string;
  email?: string;
}

export type UserId = User['id'];

export enum Role {
  Admin = 'admin',
  Member = 'member',
}

export class UserStore {
  private readonly users = new Map<UserId, User>();

  getUserById(id: UserId): User | undefined {
    return this.users.get(id);
  }

  async saveUser(user: User): Promise<void> {
    this.users.set(user.id, user);
  }

  get size(): number {
    return this.users.size;
  }

  private reset(): void {
    this.users.clear();
  }
}

export function isAdmin(role: Role): boolean {
  return role === Role.Admin;
}
