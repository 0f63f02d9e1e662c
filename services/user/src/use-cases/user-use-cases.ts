import type { SessionLifetimes } from '../domain/session.ts';
import { makeFollowUser } from './follow-user.ts';
import { makeGetUser } from './get-user.ts';
import { makeGetUsersByIds } from './get-users-by-ids.ts';
import { makeListFollows } from './list-follows.ts';
import { makeLogIn } from './log-in.ts';
import { makeLogOut } from './log-out.ts';
import type { Clock } from '@chirp/kernel/clock';
import type { IdSource } from '@chirp/kernel/ids';
import type { AccessTokenIssuer, PasswordHasher, SessionRevocations, TokenSecrets, UserStore } from './ports.ts';
import { makeRecordTweetFact } from './record-tweet-fact.ts';
import { makeRefreshSession } from './refresh-session.ts';
import { makeRegisterUser } from './register-user.ts';
import { makeSearchUsers } from './search-users.ts';
import { makeUnfollowUser } from './unfollow-user.ts';
import { makeUpdateProfile } from './update-profile.ts';

export interface UserPorts {
  users: UserStore;
  hasher: PasswordHasher;
  issuer: AccessTokenIssuer;
  secrets: TokenSecrets;
  revocations: SessionRevocations;
  ids: IdSource;
  clock: Clock;
  lifetimes: SessionLifetimes;
}

/** Every use case of the user service, made from one set of ports (real in main.ts, fakes in tests). */
export function makeUserUseCases(ports: UserPorts) {
  return {
    registerUser: makeRegisterUser(ports),
    logIn: makeLogIn(ports),
    refreshSession: makeRefreshSession(ports),
    logOut: makeLogOut(ports),
    getUser: makeGetUser(ports),
    getUsersByIds: makeGetUsersByIds(ports),
    updateProfile: makeUpdateProfile(ports),
    followUser: makeFollowUser(ports),
    unfollowUser: makeUnfollowUser(ports),
    listFollows: makeListFollows(ports),
    searchUsers: makeSearchUsers(ports),
    recordTweetFact: makeRecordTweetFact(ports),
  };
}
export type UserUseCases = ReturnType<typeof makeUserUseCases>;
