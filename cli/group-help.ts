// CLI side: the --help text of "group" and its commands.
export const GROUP_HELP = `Usage: encrypted-chat group <command> [arguments] [--json]

  group create NAME MEMBER...   make a group with these people (you are its owner)
  group list                    the groups you are in
  group show GROUP              members, owner, what the server lists, warnings
  group add GROUP USER...       add people (any member may)
  group remove GROUP USER...    remove people (the owner only)
  group leave GROUP             leave the group
  group rename GROUP NAME       give the group a new name (any member may)
  group confirm GROUP           accept, on this device, members the server lists that no member announced

GROUP is a group's id, a unique start of its id, or its exact name when no other group has that name.
Membership is what the members announced, signed, not what the server lists: when the server lists someone
no member added, messages to the group are held and "group show" warns. Only if the group agrees the list
is right, run "group confirm GROUP".
"group show" exits with 5 when such a loud warning stands.
  --json   print the group (or, for list, every group) as JSON: {id, conversation, name, members, owner,
           serverMembers, sending, warnings, unread, lastActivity, lastSeq}`;
